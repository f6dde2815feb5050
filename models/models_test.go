package models_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"campaigns/internal/dbtest"
	"campaigns/models"
)

// all lists every model; a new table needs its model here, or the test fails on the table.
var all = []any{
	&models.Country{}, &models.Organization{}, &models.Campaign{}, &models.CampaignCountry{},
	&models.CampaignPartner{}, &models.FundingCommitment{}, &models.Venue{}, &models.Event{},
	&models.EventCohost{}, &models.YouthNetwork{}, &models.NetworkCoordinator{}, &models.NetworkChannel{},
	&models.Indicator{}, &models.IndicatorPeriod{}, &models.SeedVersion{},
	&models.APIKey{}, &models.AuditEntry{}, &models.IdempotencyKey{}, &models.Member{},
	&models.GuardianConsent{}, &models.Membership{}, &models.Registration{}, &models.MemberAccess{},
	&models.MemberShare{}, &models.Change{}, &models.Translation{}, &models.SearchDocument{}, &models.SearchWord{}, &models.Result{}, &models.IndicatorBreakdown{},
	&models.CoHostInvitation{}, &models.Image{},
}

type column struct {
	Type     string
	Nullable bool
}

// columns reads every column of every table of the public schema but goose's own.
func columns(t *testing.T, url string) map[string]map[string]column {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name, column_name, udt_name, is_nullable = 'YES'
		FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	if err != nil {
		t.Fatalf("read columns: %v", err)
	}
	out := map[string]map[string]column{}
	for rows.Next() {
		var table, name string
		var c column
		if err := rows.Scan(&table, &name, &c.Type, &c.Nullable); err != nil {
			t.Fatalf("scan column: %v", err)
		}
		if out[table] == nil {
			out[table] = map[string]column{}
		}
		out[table][name] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read columns: %v", err)
	}
	return out
}

// TestModelsMatchMigrations builds a schema from the GORM models with AutoMigrate, the only
// place AutoMigrate ever runs, and compares every table, column, type and nullability with
// the schema the migrations build. A model that drifts from its table fails here, not in
// production.
func TestModelsMatchMigrations(t *testing.T) {
	_, migrated := dbtest.NewWithURL(t)
	fromModels := dbtest.EmptyURL(t)
	db, err := gorm.Open(postgres.Open(fromModels), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := db.AutoMigrate(all...); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		_ = sqlDB.Close()
	}
	if diff := cmp.Diff(columns(t, migrated), columns(t, fromModels)); diff != "" {
		t.Errorf("models differ from migrations (-migrations +models):\n%s", diff)
	}
}
