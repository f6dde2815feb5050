package models

import (
	"math"
	"time"

	"campaigns/internal/relay"
)

// Event is something that happens in a campaign. StartBound is the first instant of the start
// period in the event's zone: exact only when DatePrecision is MINUTE, and otherwise kept for
// ordering and filtering, never shown as if it were the start.
type Event struct {
	ID                   int64      `gorm:"primaryKey"`
	CampaignID           int64      `gorm:"not null"`
	Title                string     `gorm:"type:text;not null"`
	Summary              *string    `gorm:"type:text"`
	Description          *string    `gorm:"type:text"`
	Kind                 string     `gorm:"type:text;not null"`
	Status               string     `gorm:"type:text;not null"`
	StartBound           time.Time  `gorm:"column:starts_at;type:timestamptz;not null"`
	EndBound             *time.Time `gorm:"column:ends_at;type:timestamptz"`
	DatePrecision        string     `gorm:"type:text;not null"`
	DateQualifier        *string    `gorm:"type:text"`
	TimeZone             *string    `gorm:"type:text"`
	VenueID              *int64
	CountryCode          *string    `gorm:"type:char(2)"`
	OnlineURL            *string    `gorm:"column:online_url;type:text"`
	Capacity             *int32     `gorm:"type:integer"`
	RegistrationEnabled  bool       `gorm:"not null"`
	RegistrationOpensAt  *time.Time `gorm:"type:timestamptz"`
	RegistrationClosesAt *time.Time `gorm:"type:timestamptz"`
	WaitlistEnabled      bool       `gorm:"not null"`
	Visibility           string     `gorm:"type:text;not null;default:PUBLIC"`
	OrganizerID          int64      `gorm:"not null"`
	Attendance           *int32     `gorm:"type:integer"`
	Reach                *int64     `gorm:"column:media_reach"`
	Source               *string    `gorm:"type:text"`
	Version              int32      `gorm:"type:integer;not null;default:1"`
	CreatedAt            time.Time  `gorm:"type:timestamptz;not null"`
	UpdatedAt            time.Time  `gorm:"type:timestamptz;not null"`
	// Listed says that everyone may see the event: out of draft, public, in a campaign out
	// of draft. The database's triggers keep it (migration 00007), so GORM only reads it.
	Listed bool `gorm:"not null;default:false;->"`

	// OriginalLanguage is the BCP 47 tag of the language the record's own texts are in.
	OriginalLanguage string `gorm:"type:text;not null;default:en"`

	// StartKey, StartLatest and OverAt are the event's period as the lists filter and sort by
	// it, computed by PostgreSQL from the columns above (generated columns, migration 00013),
	// so GORM only reads them. StartKey is the first instant of the start period narrowed by
	// its qualifier, plus microseconds that rank precision (the STARTS_AT order); StartLatest
	// is the last instant the start can be; OverAt is when the event is over as far as the
	// record tells. They are not part of what a change records.
	StartKey    time.Time `gorm:"type:timestamptz;not null;->" json:"-"`
	StartLatest time.Time `gorm:"type:timestamptz;not null;->" json:"-"`
	OverAt      time.Time `gorm:"type:timestamptz;not null;->" json:"-"`
	// AsOf is the instant the event is shown at, set by the store as it reads the event for a
	// request (the request's clock): DisplayStatus compares the period with it.
	AsOf time.Time `gorm:"-" json:"-"`

	// Venue and Organizer are read with the event, in the same statement (store.eventCols),
	// and bound to the schema's fields as they are: a resolver per field and item cost the
	// campaign list most of its CPU (BENCHMARKS.md). Every read of events for the API fills
	// them; writes ignore them.
	Venue     *Venue        `gorm:"-" json:"-"`
	Organizer *Organization `gorm:"-" json:"-"`
}

// GlobalID returns the event's global ID.
func (e *Event) GlobalID() string { return relay.EncodeInt(relay.TypeEvent, e.ID) }

// location returns the event's zone, UTC while it is not known.
func (e *Event) location() *time.Location {
	if e.TimeZone == nil {
		return time.UTC
	}
	return Location(*e.TimeZone)
}

// StartsAt returns the exact start in local time, or nil when it is known less precisely.
func (e *Event) StartsAt() *time.Time {
	if e.DatePrecision != PrecisionMinute {
		return nil
	}
	t := e.StartBound.In(e.location())
	return &t
}

// EndsAt returns the exact end in local time, or nil when it is not known to the minute.
func (e *Event) EndsAt() *time.Time {
	if e.DatePrecision != PrecisionMinute || e.EndBound == nil {
		return nil
	}
	t := e.EndBound.In(e.location())
	return &t
}

// StartsOn returns the local start date at the precision known (a minute-precise start is
// shown as its day).
func (e *Event) StartsOn() PartialDate {
	local := e.StartBound.In(e.location())
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	p := e.DatePrecision
	if p == PrecisionMinute {
		p = PrecisionDay
	}
	return PartialDate{Date: day, Precision: p}
}

// DateLabel returns the start in English words at its own precision, such as
// "late November 2012", for clients that show dates as text.
func (e *Event) DateLabel() string {
	local := e.StartBound.In(e.location())
	var label string
	switch e.DatePrecision {
	case PrecisionYear:
		label = local.Format("2006")
	case PrecisionMonth:
		label = local.Format("January 2006")
	case PrecisionDay:
		label = local.Format("2 January 2006")
	default:
		label = local.Format("2 January 2006, 15:04 MST")
	}
	if e.DateQualifier != nil {
		switch *e.DateQualifier {
		case "EARLY":
			label = "early " + label
		case "MID":
			label = "mid-" + label
		case "LATE":
			label = "late " + label
		}
	}
	return label
}

// DisplayStatus is the status as of AsOf: a SCHEDULED event whose period is over reads
// COMPLETED, since nobody records that the Rangoon concert of December 2012 took place, and
// saying it is still scheduled years later would mislead. A cancelled, postponed or draft
// event keeps its status; the recorded one stays in Status, as its organizer wrote it.
func (e *Event) DisplayStatus() string {
	if e.Status != EventScheduled || e.OverAt.IsZero() {
		return e.Status
	}
	now := e.AsOf
	if now.IsZero() {
		now = time.Now()
	}
	if !now.Before(e.OverAt) {
		return EventCompleted
	}
	return e.Status
}

// EndsBy returns, in local time, when the event is over as far as the record tells: its end,
// the end of its day for an exact start with no end, or the end of its start period.
func (e *Event) EndsBy() time.Time { return e.OverAt.In(e.location()) }

// Period returns the start period as local calendar days: the first day and the day after
// the last, for an event known to the day, month or year (narrowed by its qualifier, as the
// lists sort and filter it); ok is false for an exact start.
func (e *Event) Period() (first, after time.Time, ok bool) {
	if e.DatePrecision == PrecisionMinute {
		return time.Time{}, time.Time{}, false
	}
	first, after = LocalPeriod(e.StartsOn(), e.DateQualifier)
	return first, after, true
}

// MediaReach returns the reported media reach as a float, since it can exceed a GraphQL Int.
func (e *Event) MediaReach() *float64 {
	if e.Reach == nil {
		return nil
	}
	f := float64(*e.Reach)
	return &f
}

// Registration returns the event's registration window, or nil when it takes no registrations.
func (e *Event) Registration() *RegistrationWindow {
	if !e.RegistrationEnabled {
		return nil
	}
	w := &RegistrationWindow{WaitlistEnabled: e.WaitlistEnabled}
	if e.RegistrationOpensAt != nil {
		t := e.RegistrationOpensAt.In(e.location())
		w.OpensAt = &t
	}
	if e.RegistrationClosesAt != nil {
		t := e.RegistrationClosesAt.In(e.location())
		w.ClosesAt = &t
	}
	return w
}

// RegistrationWindow is when and how people can register for an event.
type RegistrationWindow struct {
	OpensAt         *time.Time
	ClosesAt        *time.Time
	WaitlistEnabled bool
}

// EventCohost is an organization hosting an event with its organizer.
type EventCohost struct {
	EventID        int64 `gorm:"primaryKey;autoIncrement:false"`
	OrganizationID int64 `gorm:"primaryKey;autoIncrement:false"`
	CanEdit        bool  `gorm:"not null"`
}

// TableName names the table, which GORM would otherwise call event_cohosts too but spell from the type.
func (EventCohost) TableName() string { return "event_cohosts" }

// Venue is a place where events happen. Its address can locate people at risk, so it is
// private unless marked otherwise.
type Venue struct {
	ID             int64     `gorm:"primaryKey"`
	Name           string    `gorm:"type:text;not null"`
	City           *string   `gorm:"type:text"`
	CountryCode    string    `gorm:"type:char(2);not null"`
	Latitude       *float64  `gorm:"type:double precision"`
	Longitude      *float64  `gorm:"type:double precision"`
	StreetAddress  *string   `gorm:"column:address;type:text"`
	AddressPrivate bool      `gorm:"not null"`
	Source         *string   `gorm:"type:text"`
	CreatedAt      time.Time `gorm:"type:timestamptz;not null"`

	// Country is read with the venue, in the same statement, as Event.Venue is.
	Country *Country `gorm:"-" json:"-"`
}

// GlobalID returns the venue's global ID.
func (v *Venue) GlobalID() string { return relay.EncodeInt(relay.TypeVenue, v.ID) }

// Coordinates returns the venue's position, or nil when it is not known: as written for
// its owner, who wrote it, and otherwise its public position (PublicPosition).
func (v *Venue) Coordinates(owner bool) *Coordinates {
	if v.Latitude == nil || v.Longitude == nil {
		return nil
	}
	lat, lon := PublicPosition(*v.Latitude, *v.Longitude, v.AddressPrivate && !owner)
	return &Coordinates{Latitude: lat, Longitude: lon}
}

// PublicPosition is the position of a venue that anyone may read: for a venue whose address
// is private, rounded to two decimals of a degree (about a kilometre), since exact
// coordinates would locate the people the private address protects. The store's near-me
// search and exports apply the same rule in SQL (store.publicLatitude).
func PublicPosition(lat, lon float64, private bool) (float64, float64) {
	if !private {
		return lat, lon
	}
	return math.Round(lat*100) / 100, math.Round(lon*100) / 100
}

// Address returns the street address, or nil when there is none or it is private and the
// reader is not the venue's owner (store.OwnedVenues).
func (v *Venue) Address(owner bool) *string {
	if v.AddressPrivate && !owner {
		return nil
	}
	return v.StreetAddress
}

// Coordinates is a WGS 84 position.
type Coordinates struct {
	Latitude  float64
	Longitude float64
}
