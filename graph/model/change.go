package model

import "campaigns/models"

// Change is one item of the delta sync, as the caller may see it: the entity's current
// state, or a tombstone with a nil Node.
type Change struct {
	Op   string
	Type string
	ID   string
	Node models.Node
}
