package model

import (
	"context"
	"errors"

	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/store"
	"campaigns/models"
)

// PageInfo is where a page sits in its connection.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Counter counts the items of a whole connection; it runs only when a client selects
// totalCount, so a page that does not ask for the count never pays for it.
type Counter func(ctx context.Context) (int, error)

// Connection is a page of a list in the shape of the Relay Cursor Connections spec. Each
// connection type of the schema is bound to an instance of it, so that their shared
// behaviour is written once.
type Connection[T any] struct {
	page  page.Page[T]
	count Counter
	upTo  UpToCounter
}

// UpToCounter counts the items of a whole connection but stops at limit, for a list that
// is too long to count exactly on every request.
type UpToCounter func(ctx context.Context, limit int) (int, error)

// MaxCountBound is the largest bound a client may ask count(atMost:) for.
const MaxCountBound = 100_000

// BoundedCount is a count that stops at a bound.
type BoundedCount struct {
	Value int
	Exact bool
}

// NewConnection wraps a page; count is called only if totalCount is selected.
func NewConnection[T any](p page.Page[T], count Counter) *Connection[T] {
	return &Connection[T]{page: p, count: count}
}

// Nodes returns the items of the page.
func (c *Connection[T]) Nodes() []T { return c.page.Items }

// Edges returns the items of the page with their cursors.
func (c *Connection[T]) Edges() []*Edge[T] {
	out := make([]*Edge[T], len(c.page.Items))
	for i, item := range c.page.Items {
		out[i] = &Edge[T]{Cursor: c.page.Cursor(i), Node: item}
	}
	return out
}

// PageInfo says where the page sits.
func (c *Connection[T]) PageInfo() *PageInfo {
	info := &PageInfo{HasNextPage: c.page.HasNextPage, HasPreviousPage: c.page.HasPreviousPage}
	if n := len(c.page.Positions); n > 0 {
		start, end := c.page.Cursor(0), c.page.Cursor(n-1)
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

// TotalCount counts the items across all pages.
func (c *Connection[T]) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// WithUpTo gives the connection a bounded count, for the lists whose schema offers one.
func (c *Connection[T]) WithUpTo(upTo UpToCounter) *Connection[T] {
	c.upTo = upTo
	return c
}

// Count counts the items across all pages up to atMost: it asks for one more, so that it
// knows whether the count is exact.
func (c *Connection[T]) Count(ctx context.Context, atMost int) (*BoundedCount, error) {
	if atMost < 1 || atMost > MaxCountBound {
		return nil, problem.Wrap(store.ErrInvalid, "atMost must be between 1 and %d, got %d", MaxCountBound, atMost)
	}
	if c.upTo == nil {
		return nil, errors.New("count: the list has no bounded count")
	}
	n, err := c.upTo(ctx, atMost+1)
	if err != nil {
		return nil, err
	}
	return &BoundedCount{Value: min(n, atMost), Exact: n <= atMost}, nil
}

// Edge is an item in a page with its cursor.
type Edge[T any] struct {
	Cursor string
	Node   T
}

// The schema's connection and edge types, bound by gqlgen.yml.
type (
	CampaignConnection     = Connection[*models.Campaign]
	CampaignEdge           = Edge[*models.Campaign]
	CountryConnection      = Connection[*models.Country]
	CountryEdge            = Edge[*models.Country]
	EventConnection        = Connection[*models.Event]
	EventEdge              = Edge[*models.Event]
	OrganizationConnection = Connection[*models.Organization]
	OrganizationEdge       = Edge[*models.Organization]
	YouthNetworkConnection = Connection[*models.YouthNetwork]
	YouthNetworkEdge       = Edge[*models.YouthNetwork]
	APIKeyConnection       = Connection[*models.APIKey]
	APIKeyEdge             = Edge[*models.APIKey]
	AuditEntryConnection   = Connection[*models.AuditEntry]
	AuditEntryEdge         = Edge[*models.AuditEntry]
	MemberConnection       = Connection[*models.Member]
	MemberEdge             = Edge[*models.Member]
	RegistrationConnection = Connection[*models.Registration]
	RegistrationEdge       = Edge[*models.Registration]
)
