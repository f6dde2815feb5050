package models

import (
	"time"

	"campaigns/internal/relay"
)

// Member is a young person. Its personal columns are DisplayName, Email and Phone (and a
// consent's guardian name); erasure clears them and sets ErasedAt.
type Member struct {
	ID             int64      `gorm:"primaryKey"`
	DisplayName    *string    `gorm:"type:text"`
	AgeBand        string     `gorm:"type:text;not null"`
	CountryCode    *string    `gorm:"type:char(2)"`
	Email          *string    `gorm:"type:text"`
	Phone          *string    `gorm:"type:text"`
	OrganizationID int64      `gorm:"not null"`
	ErasedAt       *time.Time `gorm:"type:timestamptz"`
	Version        int32      `gorm:"type:integer;not null;default:1"`
	CreatedAt      time.Time  `gorm:"type:timestamptz;not null"`
	UpdatedAt      time.Time  `gorm:"type:timestamptz;not null"`
}

// GlobalID returns the member's global ID.
func (m *Member) GlobalID() string { return relay.EncodeInt(relay.TypeMember, m.ID) }

// Minor reports whether the member's age band is under 18.
func (m *Member) Minor() bool { return IsMinor(m.AgeBand) }

// Erased reports whether the member's personal data has been erased.
func (m *Member) Erased() bool { return m.ErasedAt != nil }

// IsMinor reports whether an age band is under 18.
func IsMinor(ageBand string) bool {
	return ageBand == "UNDER_13" || ageBand == "AGE_13_15" || ageBand == "AGE_16_17"
}

// GuardianConsent is a guardian's consent for a minor.
type GuardianConsent struct {
	ID           int64     `gorm:"primaryKey"`
	MemberID     int64     `gorm:"not null"`
	GuardianName *string   `gorm:"type:text"`
	Relationship string    `gorm:"type:text;not null"`
	Method       string    `gorm:"type:text;not null"`
	GivenAt      time.Time `gorm:"type:timestamptz;not null"`
	RecordedBy   *int64
	RecordedAt   time.Time `gorm:"type:timestamptz;not null"`
}

// Membership is a member's place in a network, past or present.
type Membership struct {
	ID        int64      `gorm:"primaryKey"`
	NetworkID int64      `gorm:"not null"`
	MemberID  int64      `gorm:"not null"`
	JoinedAt  time.Time  `gorm:"type:timestamptz;not null"`
	LeftAt    *time.Time `gorm:"type:timestamptz"`
}

// Registration is a member's registration for an event.
type Registration struct {
	ID        int64     `gorm:"primaryKey"`
	EventID   int64     `gorm:"not null"`
	MemberID  int64     `gorm:"not null"`
	Status    string    `gorm:"type:text;not null"`
	Attended  bool      `gorm:"not null"`
	CreatedAt time.Time `gorm:"type:timestamptz;not null"`
	UpdatedAt time.Time `gorm:"type:timestamptz;not null"`
	// WaitlistPos is the place on the waitlist, computed by the query that loads it.
	WaitlistPos *int32 `gorm:"->;-:migration"`
}

// GlobalID returns the registration's global ID.
func (r *Registration) GlobalID() string { return relay.EncodeInt(relay.TypeRegistration, r.ID) }

// WaitlistPosition returns the place on the waitlist, or nil unless waitlisted.
func (r *Registration) WaitlistPosition() *int32 {
	if r.Status != "WAITLISTED" {
		return nil
	}
	return r.WaitlistPos
}

// MemberAccess records one read of a member's personal data.
type MemberAccess struct {
	ID             int64     `gorm:"primaryKey"`
	At             time.Time `gorm:"type:timestamptz;not null"`
	APIKeyID       int64     `gorm:"column:api_key_id;not null"`
	OrganizationID int64     `gorm:"not null"`
	MemberID       int64     `gorm:"not null"`
	Reason         string    `gorm:"type:text;not null"`
	RequestID      *string   `gorm:"type:text"`
}

// TableName names the table.
func (MemberAccess) TableName() string { return "member_access_log" }

// MemberShare lets an organization register or enrol a member it did not record.
type MemberShare struct {
	MemberID       int64 `gorm:"primaryKey;autoIncrement:false"`
	OrganizationID int64 `gorm:"primaryKey;autoIncrement:false"`
	SharedBy       *int64
	SharedAt       time.Time `gorm:"type:timestamptz;not null"`
}

// MemberReader sums up an organization's reads of a member's personal data from the access
// log, for the organization that recorded the member: where the child's data has gone.
type MemberReader struct {
	MemberID       int64
	OrganizationID int64
	Reads          int
	LastReadAt     time.Time
	Reasons        StringList `gorm:"type:text[]"`
}
