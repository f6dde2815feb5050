//go:build tools

// Package main's tools file pins the code generators in go.mod, so that `go run` of them
// uses the same versions on every machine.
package main

import (
	_ "github.com/99designs/gqlgen"
)
