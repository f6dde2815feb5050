package loader

// Relations is the relation table, for the test that holds it to the schema.
var Relations = relations

// None is the parent of a root relation.
type None = none
