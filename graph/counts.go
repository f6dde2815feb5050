package graph

import (
	"campaigns/graph/model"
	"campaigns/internal/disclosure"
	"campaigns/internal/store"
)

// Counts of people (registrations, attendance, members of a network) are published by one
// rule, package disclosure's: exact to the organization whose records they count, rounded
// to base 5 with 1 to 4 withheld for everyone else, and a total made from its parts'
// published figures so that no subtraction between figures recovers a withheld count.

// memberCount shows a figure as the schema's MemberCount.
func memberCount(f disclosure.Figure) *model.MemberCount {
	return &model.MemberCount{Value: f.Value, Suppressed: f.Suppressed, Exact: f.Exact, Label: f.Label}
}

// oneCountOfMembers shows the count of one event or network, exactly if it is the caller's own.
func oneCountOfMembers(n int, own bool) *model.MemberCount {
	return memberCount(disclosure.Of(n, own))
}

// totalOfMembers shows the sum of parts, each exact only if it is the caller's own.
func totalOfMembers(p disclosure.Parts) *model.MemberCount {
	return memberCount(disclosure.Total(p))
}

// eventCounts shows an event's registration counts: exactly to its organizer. Anyone else
// gets each rounded within the event's capacity, which is public, and no count of the
// waitlist where there is a capacity: whether anyone waits tells whether the event is full,
// and so its confirmed seats exactly. (Without a capacity no one waits.)
func eventCounts(n store.RegistrationCount, capacity *int32, organizer bool) *model.RegistrationCounts {
	most := 0
	if capacity != nil {
		most = int(*capacity)
	}
	waitlisted := disclosure.Of(n.Waitlisted, organizer)
	if capacity != nil && !organizer {
		waitlisted = disclosure.Unpublished()
	}
	return &model.RegistrationCounts{
		Confirmed:  memberCount(disclosure.OfAtMost(n.Confirmed, most, organizer)),
		Waitlisted: memberCount(waitlisted),
		Attended:   memberCount(disclosure.OfAtMost(n.Attended, most, organizer)),
	}
}
