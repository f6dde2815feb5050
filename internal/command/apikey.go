package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"campaigns/internal/problem"
	"campaigns/internal/store"
)

// apikey runs the apikey subcommands and returns the exit code.
func apikey(ctx context.Context, st *store.Store, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, Usage)
		return 2
	}
	fs := flag.NewFlagSet("apikey "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "the organization's slug")
	role := fs.String("role", "", "viewer, editor, admin or platform")
	name := fs.String("name", "", "what the key is for")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	switch args[0] {
	case "create":
		if *org == "" || *role == "" {
			fmt.Fprintln(stderr, "apikey create needs --org SLUG and --role viewer|editor|admin|platform")
			return 2
		}
		var namePtr *string
		if *name != "" {
			namePtr = name
		}
		k, err := st.CreateAPIKey(ctx, *org, strings.ToUpper(*role), namePtr)
		if err != nil {
			fmt.Fprintln(stderr, problem.Message(err))
			return 1
		}
		fmt.Fprintf(stderr, "created %s key %s for %s; this is the only time the secret is shown:\n", k.Key.Role, k.Key.Prefix, *org)
		fmt.Fprintln(stdout, k.Secret)
	case "list":
		// An unknown slug would list nothing, which reads like "this partner has no keys".
		if *org != "" {
			if _, err := st.OrganizationBySlug(ctx, *org); errors.Is(err, store.ErrNotFound) {
				fmt.Fprintf(stderr, "no organization has the slug %q\n", *org)
				return 1
			} else if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
		}
		keys, err := st.APIKeysOf(ctx, *org)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		// The organization by its slug, the name an operator passes to --org, not its number.
		ids := make([]int64, 0, len(keys))
		for _, k := range keys {
			ids = append(ids, k.OrganizationID)
		}
		orgs, err := st.OrganizationsByID(ctx, ids)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		width := len("ORG")
		for _, o := range orgs {
			width = max(width, len(o.Slug))
		}
		fmt.Fprintf(stdout, "%-12s %-9s %-*s %-20s %-20s %s\n", "PREFIX", "ROLE", width, "ORG", "LAST USED", "REVOKED", "NAME")
		for _, k := range keys {
			slug := fmt.Sprint(k.OrganizationID) // a fallback: a foreign key keeps the organization
			if o := orgs[k.OrganizationID]; o != nil {
				slug = o.Slug
			}
			fmt.Fprintf(stdout, "%-12s %-9s %-*s %-20s %-20s %s\n", k.Prefix, k.Role, width, slug, stamp(k.LastUsedAt), stamp(k.RevokedAt), deref(k.Name))
		}
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "apikey revoke needs the key's prefix, as apikey list shows it")
			return 2
		}
		k, err := st.RevokeAPIKeyByPrefix(ctx, fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "revoked %s\n", k.Prefix)
	default:
		fmt.Fprint(stderr, Usage)
		return 2
	}
	return 0
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
