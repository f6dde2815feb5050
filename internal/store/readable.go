package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// A caller who may not read a record must learn nothing of it from a write either: not that
// it exists (NOT_FOUND exactly as for an ID nobody has, never FORBIDDEN), not its version,
// not what it holds. So every write finds its record, and every record an input refers to,
// through the read rules below, which are the conditions the lists, search and exports
// apply; a record outside them is answered with the error a missing one gets. FORBIDDEN is
// left for a caller who may read the record but not change it.

// readRule says who may read the records of one table: a condition on the row, under the
// table's alias, and on the caller's organization (@org), as visibleTo takes it.
type readRule struct {
	table, alias string
	// public is what any caller reads; rule adds what a caller of an organization reads.
	public, rule string
}

var (
	// campaignRead: drafts to their owner's and partners' keys.
	campaignRead = readRule{table: "campaigns", alias: "c", public: campaignPublic, rule: campaignVisible}
	// eventRead: drafts, partner-only events and events of a draft campaign to the keys of
	// the organizer, the co-hosts that accepted, and the campaign's owner and partners.
	eventRead = readRule{table: "events", alias: "e", public: eventPublic, rule: eventVisible}
	// indicatorRead: an indicator is read with its campaign.
	indicatorRead = readRule{table: "indicators", alias: "i",
		public: `EXISTS (SELECT 1 FROM campaigns c WHERE c.id = i.campaign_id AND ` + campaignPublic + `)`,
		rule:   `EXISTS (SELECT 1 FROM campaigns c WHERE c.id = i.campaign_id AND ` + campaignVisible + `)`}
	// networkRead and organizationRead: youth networks and organizations are public.
	networkRead      = readRule{table: "youth_networks", alias: "n", public: "TRUE", rule: "TRUE"}
	organizationRead = readRule{table: "organizations", alias: "o", public: "TRUE", rule: "TRUE"}
	// apiKeyRead: a key is its organization's business (its admins', which the writes check
	// by role before they look a key up).
	apiKeyRead = readRule{table: "api_keys", alias: "k", public: "FALSE", rule: "k.organization_id = @org"}
	// registrationRead: a registration names a member, so only the keys of the event's
	// organizer read it (graph's registrationNode).
	registrationRead = readRule{table: "registrations", alias: "r", public: "FALSE",
		rule: "EXISTS (SELECT 1 FROM events re WHERE re.id = r.event_id AND re.organizer_id = @org)"}
)

// Lock strengths for lockReadable.
const (
	forUpdate = "UPDATE" // the record itself changes
	forShare  = "SHARE"  // something is added under it, such as an event in a campaign
)

// readCond returns the rule for the transaction's caller.
func (t *Tx) readCond(r readRule) cond {
	return visibleTo(r.public, r.rule, t.caller.OrgID)
}

// mayRead reports whether the caller may read the record id of r's table; false for one that
// does not exist.
func (t *Tx) mayRead(r readRule, id int64) (bool, error) {
	c := t.readCond(r)
	var ok bool
	err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM `+r.table+` `+r.alias+` WHERE `+r.alias+`.id = ? AND (`+c.sql+`))`,
		append([]any{id}, c.args...)...).Scan(&ok).Error
	if err != nil {
		return false, fmt.Errorf("%s %d readable: %w", r.table, id, translate(err))
	}
	return ok, nil
}

// lockReadable loads the record id of r's table and locks it until the transaction ends, as
// lockRow does, if the caller may read it; one the caller may not read is neither locked nor
// loaded, and is answered with the very error a missing one gets.
func lockReadable[T any](t *Tx, r readRule, id int64, strength string) (*T, error) {
	c := t.readCond(r)
	var v T
	err := t.db.Table(r.table+" "+r.alias).Select(r.alias+".*").
		Clauses(clause.Locking{Strength: strength, Table: clause.Table{Name: r.alias}}).
		Where(r.alias+".id = ?", id).Where("("+c.sql+")", c.args...).Take(&v).Error
	if err != nil {
		return nil, fmt.Errorf("%s %d: %w", r.table, id, translate(err))
	}
	return &v, nil
}

// VisibleVenues reports which of the venues with the given IDs the viewer's organization (0
// for an anonymous caller) may see: those where an event it may read takes place. A venue
// is no more public than its events: the place of a partner-only meeting, coordinates
// included, can locate the people who meet there.
func (s *Store) VisibleVenues(ctx context.Context, viewer int64, ids []int64) (map[int64]bool, error) {
	c := visibleTo(eventRead.public, eventRead.rule, viewer)
	var found []int64
	err := s.db.WithContext(ctx).Raw(`SELECT v.id FROM unnest(?::bigint[]) AS v(id)
		WHERE EXISTS (SELECT 1 FROM events e WHERE e.venue_id = v.id AND (`+c.sql+`))`, append([]any{idList(ids)}, c.args...)...).
		Scan(&found).Error
	if err != nil {
		return nil, fmt.Errorf("visible venues of %d: %w", len(ids), translate(err))
	}
	out := make(map[int64]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}
