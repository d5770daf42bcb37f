package replies

import (
	"regexp"
	"strings"
)

// cues is the rules' second reading, for a reply no phrase matched: each
// class has weighted cue words, the reply's words are scored against
// them, and the best class wins when it reaches minScore and leads the
// next by a point. Phrases are precise and miss new wordings; cues
// generalise and guess: they only ever turn an Unclassified into a class.
type cues struct {
	words   *regexp.Regexp
	weights map[Class]map[string]int
	email   *regexp.Regexp
}

// minScore is the score a class needs from its cues.
const minScore = 3

func newCues() cues {
	w := func(spec string) map[string]int {
		m := map[string]int{}
		for _, f := range strings.Fields(spec) {
			word, n, _ := strings.Cut(f, ":")
			m[word] = atoi(n)
		}
		return m
	}
	return cues{
		words: regexp.MustCompile(`[a-z0-9']+`),
		email: regexp.MustCompile(`[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`),
		weights: map[Class]map[string]int{
			BounceNotice: w(`server:2 rejected:2 recipient:2 550:3 554:3 553:3 mailbox:1 delivery:2 failed:1 failure:2 bounced:3 daemon:3 postmaster:3`),
			OutOfOffice:  w(`away:2 leave:2 holiday:2 holidays:1 vacation:3 inbox:1 delay:2 delayed:2 respond:1 response:1 returning:2 return:1 intermittently:2 conference:2`),
			Unsubscribe: w(`stop:3 remove:3 removed:3 unsubscribe:4 database:1 list:1 report:2 acma:3 spam:3 again:1 harass:3 harassing:3
				delete:2 details:1 contact:1 never:1 consent:2 privacy:2 opt:2`),
			WrongPerson: w(`manager:1 assistant:2 intern:3 receptionist:3 admin:1 monitored:3 mailbox:1 passed:2 away:1 deceased:3 role:1
				department:2 responsible:2 decision:2 decisions:2 wrong:3 left:2 longer:2`),
			NotNow: w(`later:2 then:1 after:1 again:1 once:2 busy:2 next:1 year:1 quarter:2 month:1 months:1 weeks:1 january:2 february:2
				march:2 april:2 may:1 june:2 july:2 august:2 september:2 october:2 november:2 december:2 holidays:1 plan:1 timing:2 budget:1`),
			NotInterested: w(`no:2 not:1 pass:3 decline:3 nope:3 nah:3 don't:1 doesn't:1 apply:2 position:2 anyway:1 irrelevant:3 unnecessary:3
				covered:2 handled:1 sorted:2 fine:2 good:1 cheers:0`),
			MeetingRequest: w(`call:2 ring:3 meet:3 meeting:3 zoom:3 teams:2 chat:1 monday:2 tuesday:2 wednesday:2 thursday:2 friday:2
				tomorrow:2 morning:1 mornings:1 afternoon:1 lunch:1 week:1 slot:2 time:1 calendar:3 invite:3 diary:3 available:2 person:1`),
			Interested: w(`yes:2 curious:3 promising:3 exploring:3 explore:3 worth:1 forward:2 material:2 materials:2 examples:2 example:1
				share:2 help:1 info:2 information:2 details:2 keen:3 interested:3 interesting:2 love:2 great:1 sounds:1 more:1`),
		},
	}
}

// classify scores text; ok is false when no class stands out.
func (c cues) classify(text string) (Class, bool) {
	lower := strings.ToLower(text)
	words := c.words.FindAllString(lower, 400)
	score := map[Class]int{}
	for _, wd := range words {
		for cl, ws := range c.weights {
			score[cl] += ws[wd]
		}
	}
	if c.email.MatchString(lower) {
		score[Referral] += 3
		score[WrongPerson] += 1
	}
	// A short message is its own cue: "stop" or "no" alone says it all.
	if len(words) <= 3 {
		for cl := range score {
			score[cl] *= 2
		}
	}
	best, second := Unclassified, 0
	for _, cl := range Classes() {
		switch {
		case best == Unclassified || score[cl] > score[best]:
			if best != Unclassified {
				second = max(second, score[best])
			}
			best = cl
		case score[cl] > second:
			second = score[cl]
		}
	}
	if score[best] < minScore || score[best] <= second {
		return Unclassified, false
	}
	return best, true
}
