package world

// ReplyTexts are what the run's leads write back, drawn with equal
// chance: the range of answers a campaign gets, each read by the engine's
// reply classifier and acted on by what it says (a meeting or a question
// stops the lead, "not now" with a date pauses it, an unsubscribe
// suppresses the channel, a wrong person stops that lead only, a referral
// brings the person named into the campaign).
func ReplyTexts() []string {
	return []string{
		"Thanks for reaching out. Can we talk next week?",
		"Sounds interesting, send me more information please.",
		"How much does it cost per month?",
		"Not interested, thanks.",
		"Not right now. Reach out again in Q3.",
		"Please remove me from your list.",
		"I'm not the right person for this.",
		"I'm not the right person, but Jordan Reyes (jordan.reyes@referrals.example) runs our growth team.",
		"Sure, happy to chat. Are you free Thursday at 2pm?",
		"We already have a provider for this and are happy with them.",
	}
}
