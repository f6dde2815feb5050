package model

import "campaigns/models"

// SearchConnection is a page of search results. Search pages forward only, by rank, so it
// is not a Connection of a list.
type SearchConnection struct {
	Edges    []*SearchEdge
	PageInfo *PageInfo
	// TotalCount counts the matches up to store.SearchCountCap; TotalCountIsExact says
	// whether there are no more. Both are read only when selected.
	TotalCount        int
	TotalCountIsExact bool
}

// Nodes returns the records of the page.
func (c *SearchConnection) Nodes() []models.Node {
	out := make([]models.Node, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// SearchEdge is a search result with its cursor and the text it matched.
type SearchEdge struct {
	Cursor          string
	Node            models.Node
	Snippet         string
	SnippetLanguage *string
	Score           float64
}
