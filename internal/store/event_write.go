package store

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// The event statuses that the write rules treat specially.
const (
	eventDraft     = "DRAFT"
	eventScheduled = "SCHEDULED"
	eventPostponed = "POSTPONED"
	eventCancelled = "CANCELLED"
	eventCompleted = "COMPLETED"
)

// EventInput is a new event, or the fields of a change; a nil or unset field is left as it is.
type EventInput struct {
	// CampaignID is the campaign of a new event; a change cannot move an event.
	CampaignID               int64
	Title                    *string
	Summary, Description     Opt[string]
	Kind, Status, Visibility *string
	// StartsAt is an exact start; StartsOn a start known only to the year, month or day,
	// with DateQualifier ("late" November) narrowing a year or a month. Either replaces the
	// other; a write gives one of them at most.
	StartsAt      *time.Time
	StartsOn      *models.PartialDate
	DateQualifier *string
	EndsAt        Opt[time.Time]
	TimeZone      *string
	Venue         Opt[VenueInput]
	OnlineURL     Opt[string]
	Capacity      Opt[int]
	Registration  Opt[RegistrationInput]
	CoHosts       []int64
}

// VenueInput is the place of an event. A venue given with an event is stored as a new venue,
// since the one it replaces may be the place of other events too.
type VenueInput struct {
	Name, Country  string
	City, Address  *string
	Latitude       *float64
	Longitude      *float64
	AddressPrivate *bool
}

// RegistrationInput is how people register for an event; giving it opens the event to
// registration, and it replaces the whole window rather than merging with the old one.
type RegistrationInput struct {
	OpensAt, ClosesAt *time.Time
	WaitlistEnabled   *bool
}

// eventState is an event as the audit log keeps it: the row with its venue, so that a
// change of place still shows where the event was to be held. Co-hosts have entries of their
// own (inviteCoHost, acceptCoHost…).
type eventState struct {
	*models.Event
	Venue *models.Venue `json:",omitempty"`
}

// eventState returns a copy of e with its venue, for the audit log.
func (t *Tx) eventState(e *models.Event) (eventState, error) {
	copied := *e
	s := eventState{Event: &copied}
	if e.VenueID != nil {
		var v models.Venue
		if err := t.db.Where("id = ?", *e.VenueID).Take(&v).Error; err != nil {
			return s, fmt.Errorf("venue %d of event %d: %w", *e.VenueID, e.ID, translate(err))
		}
		s.Venue = &v
	}
	return s, nil
}

// apply copies the given fields of in, other than the venue, onto e.
func (in EventInput) apply(e *models.Event) {
	if in.Title != nil {
		e.Title = *in.Title
	}
	if in.Summary.Set {
		e.Summary = in.Summary.Value
	}
	if in.Description.Set {
		e.Description = in.Description.Value
	}
	if in.Kind != nil {
		e.Kind = *in.Kind
	}
	if in.Status != nil {
		e.Status = *in.Status
	}
	if in.Visibility != nil {
		e.Visibility = *in.Visibility
	}
	before := zoneOf(e)
	if in.TimeZone != nil {
		e.TimeZone = in.TimeZone
	}
	switch {
	case in.StartsAt != nil:
		// A time given to the minute replaces any partial date the event had.
		e.StartBound, e.DatePrecision, e.DateQualifier = *in.StartsAt, models.PrecisionMinute, nil
	case in.StartsOn != nil:
		// A partial date is kept as the first instant of its period in the event's zone (UTC
		// while the zone is unknown), and has no end time.
		y, m, d := in.StartsOn.Date.Date()
		e.StartBound = time.Date(y, m, d, 0, 0, 0, 0, zoneOf(e))
		e.DatePrecision, e.DateQualifier, e.EndBound = in.StartsOn.Precision, in.DateQualifier, nil
	case in.TimeZone != nil && e.DatePrecision != models.PrecisionMinute:
		// "December 2012" stays December 2012 in the new zone: its first day is re-read
		// there, where an exact start keeps its instant.
		y, m, d := e.StartBound.In(before).Date()
		e.StartBound = time.Date(y, m, d, 0, 0, 0, 0, zoneOf(e))
	}
	if in.EndsAt.Set {
		e.EndBound = in.EndsAt.Value
	}
	if in.OnlineURL.Set {
		e.OnlineURL = in.OnlineURL.Value
	}
	if in.Capacity.Set {
		e.Capacity = nil
		if in.Capacity.Value != nil && *in.Capacity.Value >= 0 && *in.Capacity.Value <= math.MaxInt32 {
			c := int32(*in.Capacity.Value)
			e.Capacity = &c
		}
	}
	if in.Registration.Set {
		r := in.Registration.Value
		e.RegistrationEnabled = r != nil
		e.RegistrationOpensAt, e.RegistrationClosesAt, e.WaitlistEnabled = nil, nil, false
		if r != nil {
			e.RegistrationOpensAt, e.RegistrationClosesAt = r.OpensAt, r.ClosesAt
			e.WaitlistEnabled = r.WaitlistEnabled != nil && *r.WaitlistEnabled
		}
	}
}

// zoneOf returns the event's zone, UTC while it is not known.
func zoneOf(e *models.Event) *time.Location {
	if e.TimeZone == nil {
		return time.UTC
	}
	return models.Location(*e.TimeZone)
}

// validateEvent checks the fields of in that a write gives, as they will be stored in e.
func validateEvent(e *models.Event, in EventInput, p *validate.Problems) {
	requiredText(p, "title", e.Title, 300)
	p.OptionalText("summary", e.Summary, 1000)
	p.OptionalText("description", e.Description, 20000)
	if in.TimeZone != nil {
		p.TimeZone("timeZone", *in.TimeZone)
	}
	validateStart(e, in, p)
	if in.EndsAt.Set {
		p.Date("endsAt", in.EndsAt.Value)
	}
	if in.StartsAt != nil || in.EndsAt.Set {
		start := e.StartBound
		p.Order("endsAt", &start, e.EndBound)
	}
	if in.OnlineURL.Set {
		p.URL("onlineUrl", in.OnlineURL.Value)
	}
	if in.Capacity.Set {
		p.Range("capacity", in.Capacity.Value, 0, math.MaxInt32)
	}
	if in.Registration.Set {
		p.Date("registration.opensAt", e.RegistrationOpensAt)
		p.Date("registration.closesAt", e.RegistrationClosesAt)
		p.Order("registration.closesAt", e.RegistrationOpensAt, e.RegistrationClosesAt)
	}
}

// validateStart checks the start a write gives: an exact one with its zone, or a date of
// year, month or day precision with at most a qualifier of a year or a month, each within
// the date window; and an end only with an exact start, since the end of "December 2012" is
// not known to the minute.
func validateStart(e *models.Event, in EventInput, p *validate.Problems) {
	if in.StartsAt != nil {
		p.Date("startsAt", in.StartsAt)
		if in.StartsOn != nil {
			p.Add("startsOn", validate.Invalid, "give startsAt (an exact time) or startsOn (a date), not both")
		}
		if e.TimeZone == nil {
			p.Add("timeZone", validate.Required, "give timeZone with startsAt: the IANA time zone of the venue, such as Asia/Yangon")
		}
	}
	if in.StartsOn != nil {
		first := in.StartsOn.Date
		p.Date("startsOn", &first)
		if in.DateQualifier != nil && in.StartsOn.Precision == models.PrecisionDay {
			p.Add("dateQualifier", validate.Invalid, "dateQualifier narrows a year or a month (\"late November 2012\"), not a day")
		}
	}
	if in.DateQualifier != nil && in.StartsOn == nil {
		p.Add("dateQualifier", validate.Invalid, "give dateQualifier with startsOn, the year or month it narrows")
	}
	if in.EndsAt.Set && in.EndsAt.Value != nil && e.DatePrecision != models.PrecisionMinute {
		p.Add("endsAt", validate.Invalid, "endsAt needs an exact startsAt: an event known only to the %s has no end time", strings.ToLower(e.DatePrecision))
	}
}

// requiredText is Text for a text that must say something: validate.Text takes a blank one
// of one or more spaces, which would show as an empty title.
func requiredText(p *validate.Problems, field, s string, max int) {
	if s != "" && strings.TrimSpace(s) == "" {
		p.Add(field, validate.Required, "%s must not be blank", field[strings.LastIndexByte(field, '.')+1:])
		return
	}
	p.Text(field, s, 1, max)
}

// newVenue checks a venue and resolves its country; it returns nil when the venue has problems.
func (t *Tx) newVenue(in *VenueInput, p *validate.Problems) *models.Venue {
	before := len(*p)
	requiredText(p, "venue.name", in.Name, 300)
	p.OptionalText("venue.city", in.City, 300)
	p.OptionalText("venue.address", in.Address, 1000)
	if in.Latitude != nil && (*in.Latitude < -90 || *in.Latitude > 90) {
		p.Add("venue.latitude", validate.OutOfRange, "latitude must be between -90 and 90")
	}
	if in.Longitude != nil && (*in.Longitude < -180 || *in.Longitude > 180) {
		p.Add("venue.longitude", validate.OutOfRange, "longitude must be between -180 and 180")
	}
	switch {
	case in.Latitude != nil && in.Longitude == nil:
		p.Add("venue.longitude", validate.Required, "give longitude with latitude")
	case in.Latitude == nil && in.Longitude != nil:
		p.Add("venue.latitude", validate.Required, "give latitude with longitude")
	}
	code := t.resolveCountry("venue.country", in.Country, p)
	if len(*p) > before {
		return nil
	}
	v := &models.Venue{Name: in.Name, City: in.City, CountryCode: *code, Latitude: in.Latitude, Longitude: in.Longitude,
		StreetAddress: in.Address, AddressPrivate: in.AddressPrivate == nil || *in.AddressPrivate}
	return v
}

// canOrganizeIn refuses a caller whose organization may not edit the campaign.
func (t *Tx) canOrganizeIn(c *models.Campaign) error {
	// An event speaks for its campaign, so organizing one takes the right to edit the
	// campaign: its owner's, or a partner's that was granted it.
	err := t.canEditCampaign(c)
	if errors.Is(err, auth.ErrForbidden) {
		return problem.Wrap(auth.ErrForbidden, "your organization can read this campaign but may not organize events in it; that takes the right to edit the campaign, which its owner grants")
	}
	return err
}

// canEditEvent refuses a caller who is not of the organizer, a co-host granted edit, or the
// campaign's owner.
func (t *Tx) canEditEvent(e *models.Event) error {
	var granted bool
	if !t.caller.Anonymous() {
		err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM event_cohosts WHERE event_id = ? AND organization_id = ? AND can_edit)
			OR EXISTS (SELECT 1 FROM campaigns WHERE id = ? AND owner_id = ?)`,
			e.ID, t.caller.OrgID, e.CampaignID, t.caller.OrgID).Scan(&granted).Error
		if err != nil {
			return fmt.Errorf("event %d grants: %w", e.ID, translate(err))
		}
	}
	return auth.RequireEdit(t.caller, "event", &e.OrganizerID, granted)
}

// CreateEvent creates an event organized by the caller's organization, in a campaign that
// organization owns, edits or partners.
func (t *Tx) CreateEvent(in EventInput) (*models.Event, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, "create an event"); err != nil {
		return nil, err
	}
	var p validate.Problems
	// A campaign the caller may not read is answered as one that does not exist.
	c, err := lockReadable[models.Campaign](t, campaignRead, in.CampaignID, forShare)
	switch {
	case errors.Is(err, ErrNotFound):
		p.Add("campaign", validate.NotFound, "no campaign has that ID")
	case err != nil:
		return nil, err
	default:
		if err := t.canOrganizeIn(c); err != nil {
			return nil, err
		}
	}
	e := &models.Event{CampaignID: in.CampaignID, Status: eventDraft, Visibility: "PUBLIC", OrganizerID: t.caller.OrgID, Version: 1}
	in.apply(e)
	if in.Status != nil && *in.Status == eventCancelled {
		p.Add("status", validate.InvalidState, "an event cannot be created cancelled")
	}
	if in.StartsAt == nil && in.StartsOn == nil {
		p.Add("startsAt", validate.Required, "give startsAt (an exact start, with timeZone) or startsOn (a date known to the year, month or day: 2012, 2012-12 or 2012-12-08)")
	}
	validateEvent(e, in, &p)
	var venue *models.Venue
	if in.Venue.Value != nil {
		venue = t.newVenue(in.Venue.Value, &p)
	}
	cohosts, err := t.checkCoHosts("coHosts", true, in.CoHosts, e.OrganizerID, nil, &p)
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if venue != nil {
		if err := t.insert(venue); err != nil {
			return nil, err
		}
		e.VenueID, e.CountryCode = &venue.ID, &venue.CountryCode
	}
	if err := t.insert(e); err != nil {
		return nil, err
	}
	after, err := t.eventState(e)
	if err != nil {
		return nil, err
	}
	if err := t.Audit("createEvent", relay.TypeEvent, e.GlobalID(), nil, after); err != nil {
		return nil, err
	}
	// The organizations named as co-hosts are invited; each becomes one when it accepts.
	return e, t.invite(e, cohosts, false)
}

// lockEventForChange locks an event for a change and checks the caller's right and version.
func (t *Tx) lockEventForChange(id int64, expectedVersion int32) (*models.Event, eventState, error) {
	e, err := lockReadable[models.Event](t, eventRead, id, forUpdate)
	if err != nil {
		return nil, eventState{}, err
	}
	if err := t.canEditEvent(e); err != nil {
		return nil, eventState{}, err
	}
	if err := checkVersion("event", e.Version, expectedVersion); err != nil {
		return nil, eventState{}, err
	}
	before, err := t.eventState(e)
	return e, before, err
}

// saveEvent stores a changed event as its next version and records the change.
func (t *Tx) saveEvent(action string, e *models.Event, before eventState) (*models.Event, error) {
	e.Version++
	e.UpdatedAt = time.Now()
	if err := t.db.Save(e).Error; err != nil {
		return nil, fmt.Errorf("update event %d: %w", e.ID, translate(err))
	}
	after, err := t.eventState(e)
	if err != nil {
		return nil, err
	}
	return e, t.Audit(action, relay.TypeEvent, e.GlobalID(), before, after)
}

// UpdateEvent changes the given fields of an event at the expected version. Cancelling has
// its own mutation, so that it is never a side effect of an edit.
func (t *Tx) UpdateEvent(id int64, expectedVersion int32, in EventInput) (*models.Event, error) {
	e, before, err := t.lockEventForChange(id, expectedVersion)
	if err != nil {
		return nil, err
	}
	var p validate.Problems
	switch {
	case in.Status != nil && *in.Status == eventCancelled:
		p.Add("status", validate.InvalidState, "use cancelEvent to cancel an event")
	case in.Status != nil && e.Status == eventCancelled:
		p.Add("status", validate.InvalidState, "a cancelled event keeps its status")
	}
	in.apply(e)
	validateEvent(e, in, &p)
	if in.Capacity.Set && e.Capacity != nil {
		var confirmed int64
		if err := t.db.Raw(`SELECT count(*) FROM registrations WHERE event_id = ? AND status = 'CONFIRMED'`, e.ID).Scan(&confirmed).Error; err != nil {
			return nil, fmt.Errorf("event %d confirmed registrations: %w", e.ID, translate(err))
		}
		if int64(*e.Capacity) < confirmed {
			p.Add("capacity", validate.OutOfRange, "capacity must be at least the %d registrations already confirmed", confirmed)
		}
	}
	var venue *models.Venue
	if in.Venue.Value != nil {
		venue = t.newVenue(in.Venue.Value, &p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.Venue.Set {
		e.VenueID, e.CountryCode = nil, nil
		if venue != nil {
			if err := t.insert(venue); err != nil {
				return nil, err
			}
			e.VenueID, e.CountryCode = &venue.ID, &venue.CountryCode
		}
	}
	saved, err := t.saveEvent("updateEvent", e, before)
	if err != nil {
		return nil, err
	}
	// More seats, or no limit any more, go to the waitlist in order at once, so that the
	// event never holds free seats while people wait.
	if in.Capacity.Set {
		if err := t.fillFreedSeats(saved); err != nil {
			return nil, err
		}
	}
	return saved, nil
}

// CancelEvent cancels an event; its registrations stay on record.
func (t *Tx) CancelEvent(id int64, expectedVersion int32) (*models.Event, error) {
	e, before, err := t.lockEventForChange(id, expectedVersion)
	if err != nil {
		return nil, err
	}
	if e.Status == eventCancelled || e.Status == eventCompleted {
		var p validate.Problems
		p.Add("id", validate.InvalidState, "the event is %s and cannot be cancelled", e.Status)
		return nil, p
	}
	e.Status = eventCancelled
	return t.saveEvent("cancelEvent", e, before)
}

// RescheduleEvent moves an event to a new start (in's StartsAt or StartsOn, EndsAt and
// TimeZone; nothing else of in is read), and a postponed event back onto the schedule.
// Without a new end, an event timed to the minute keeps its length, since moving it does not
// make it shorter; one known less precisely loses its end with its partial date.
func (t *Tx) RescheduleEvent(id int64, expectedVersion int32, in EventInput) (*models.Event, error) {
	e, before, err := t.lockEventForChange(id, expectedVersion)
	if err != nil {
		return nil, err
	}
	var p validate.Problems
	if e.Status == eventCancelled || e.Status == eventCompleted {
		p.Add("id", validate.InvalidState, "the event is %s and cannot be rescheduled", e.Status)
		return nil, p
	}
	if in.StartsAt == nil && in.StartsOn == nil {
		p.Add("startsAt", validate.Required, "give the new start: startsAt (an exact time) or startsOn (a date)")
		return nil, p
	}
	endsAt := in.EndsAt.Value
	if endsAt == nil && in.StartsAt != nil && e.EndBound != nil && e.DatePrecision == models.PrecisionMinute {
		end := in.StartsAt.Add(e.EndBound.Sub(e.StartBound))
		endsAt = &end
	}
	change := EventInput{StartsAt: in.StartsAt, StartsOn: in.StartsOn, DateQualifier: in.DateQualifier, TimeZone: in.TimeZone,
		EndsAt: Opt[time.Time]{Set: true, Value: endsAt}}
	change.apply(e)
	validateEvent(e, change, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if e.Status == eventPostponed {
		e.Status = eventScheduled
	}
	return t.saveEvent("rescheduleEvent", e, before)
}
