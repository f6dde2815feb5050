package models

import "time"

// The states of a co-host invitation.
const (
	InvitationPending   = "PENDING"
	InvitationAccepted  = "ACCEPTED"
	InvitationDeclined  = "DECLINED"
	InvitationWithdrawn = "WITHDRAWN"
)

// CoHostInvitation is an organization asked to host an event with its organizer. It becomes
// a co-host (an EventCohost) only when it accepts, so that no organization's name stands on
// an event, and no organization reads or edits one, that it never agreed to.
type CoHostInvitation struct {
	EventID        int64 `gorm:"primaryKey;autoIncrement:false"`
	OrganizationID int64 `gorm:"primaryKey;autoIncrement:false"`
	// CanEdit is whether the co-host may edit the event once it accepts.
	CanEdit bool `gorm:"not null;default:false"`
	// Status is PENDING until the organization accepts or declines, or the organizer
	// withdraws the invitation.
	Status     string     `gorm:"type:text;not null;default:PENDING"`
	InvitedBy  int64      `gorm:"column:invited_by;not null"`
	InvitedAt  time.Time  `gorm:"type:timestamptz;not null"`
	AnsweredAt *time.Time `gorm:"type:timestamptz"`
}

// TableName names the table.
func (CoHostInvitation) TableName() string { return "cohost_invitations" }
