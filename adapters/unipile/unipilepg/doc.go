// Package unipilepg keeps the unipile adapter's state in PostgreSQL: the
// chat each seat has with each recipient ([unipile.Chats]), the journal of
// what was asked of Unipile under each touch's key ([unipile.Journal],
// what [unipile.Channel.Lookup] reconciles by and what the webhook
// decoder ties a notice to its touch by), and the hosted-auth links the
// seat provisioner made ([unipile.SeatLinks]). It behaves as
// [unipile.MemoryStore] does, but every process of a deployment on one
// database sees the same state, and a restart loses none of it: a notice
// handled by one process, or a touch reconciled by another, finds what
// the process that sent recorded.
//
// [Migrate] creates its three tables (unipile_chats, unipile_intents,
// unipile_seat_links) in the first schema of the pool's search_path when
// they are missing; it is safe at every start and from many processes at
// once. Each write is one INSERT … ON CONFLICT statement: two processes
// writing one key leave one of their values, never two rows nor an
// error. Times are kept to the microsecond.
package unipilepg
