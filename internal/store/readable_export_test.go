package store

import (
	"context"

	"campaigns/internal/auth"
	"campaigns/models"
)

// readRules names the read rules for the tests of package store_test.
var readRules = map[string]readRule{
	"campaign": campaignRead, "event": eventRead, "indicator": indicatorRead, "network": networkRead,
	"organization": organizationRead, "apiKey": apiKeyRead, "registration": registrationRead, "invited": invitedRead,
}

// MayRead applies the read rule of kind for caller to the record id, as a write does.
func (s *Store) MayRead(ctx context.Context, caller auth.Caller, kind string, id int64) (bool, error) {
	t := &Tx{db: s.db.WithContext(ctx), ctx: ctx, caller: caller}
	return t.mayRead(readRules[kind], id)
}

// LockReadableCampaign is lockReadable for a campaign, in a transaction of its own.
func (s *Store) LockReadableCampaign(ctx context.Context, caller auth.Caller, id int64) (*models.Campaign, error) {
	var c *models.Campaign
	_, _, err := s.Write(ctx, caller, "", Request{Operation: "test"}, func(t *Tx) (string, error) {
		var err error
		c, err = lockReadable[models.Campaign](t, campaignRead, id, forUpdate)
		return "", err
	})
	return c, err
}
