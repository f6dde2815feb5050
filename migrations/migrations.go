// Package migrations embeds the numbered SQL migrations so that the binary can migrate
// its database with no files beside it.
package migrations

import "embed"

// FS holds every migration, applied in the order of its number by goose.
//
//go:embed *.sql
var FS embed.FS
