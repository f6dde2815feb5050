package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Kind names a sort of change between two schemas. Its string is what
// schema/intended-changes.txt names, so the names are part of that file's format.
type Kind string

// Changes that break a client that works against the old schema.
const (
	TypeRemoved             Kind = "TYPE_REMOVED"               // a query naming the type fails validation
	TypeKindChanged         Kind = "TYPE_KIND_CHANGED"          // e.g. an object became an interface
	FieldRemoved            Kind = "FIELD_REMOVED"              // a query selecting it fails validation
	FieldTypeChanged        Kind = "FIELD_TYPE_CHANGED"         // a client may get null or another shape
	ArgRemoved              Kind = "ARG_REMOVED"                // a query passing it fails validation
	ArgTypeChanged          Kind = "ARG_TYPE_CHANGED"           // a value the client sends may be refused
	ArgAddedRequired        Kind = "ARG_ADDED_REQUIRED"         // every query not passing it fails
	InputFieldRemoved       Kind = "INPUT_FIELD_REMOVED"        // an input naming it is refused
	InputFieldTypeChanged   Kind = "INPUT_FIELD_TYPE_CHANGED"   // a value the client sends may be refused
	InputFieldAddedRequired Kind = "INPUT_FIELD_ADDED_REQUIRED" // every input without it is refused
	EnumValueRemoved        Kind = "ENUM_VALUE_REMOVED"         // a client sending it is refused
	UnionMemberRemoved      Kind = "UNION_MEMBER_REMOVED"       // a fragment on it no longer matches
	InterfaceRemoved        Kind = "INTERFACE_REMOVED"          // a fragment on the interface no longer matches
	DirectiveRemoved        Kind = "DIRECTIVE_REMOVED"          // a query using it fails validation
)

// Changes that a working client survives; reported so a review sees them.
const (
	TypeAdded         Kind = "TYPE_ADDED"
	FieldAdded        Kind = "FIELD_ADDED"
	FieldDeprecated   Kind = "FIELD_DEPRECATED"
	ArgAdded          Kind = "ARG_ADDED"
	ArgDefaultChanged Kind = "ARG_DEFAULT_CHANGED" // a client relying on the old default gets other results
	InputFieldAdded   Kind = "INPUT_FIELD_ADDED"
	EnumValueAdded    Kind = "ENUM_VALUE_ADDED" // a client with an exhaustive switch should handle it
	UnionMemberAdded  Kind = "UNION_MEMBER_ADDED"
	InterfaceAdded    Kind = "INTERFACE_ADDED"
	TypeLoosened      Kind = "TYPE_LOOSENED" // output made non-null, or input made optional
)

// Change is one difference between two schemas.
type Change struct {
	Kind Kind
	// Path names what changed: `Type`, `Type.field`, `Type.field(arg)`, `Enum.VALUE`,
	// `@directive`.
	Path string
	// Detail says what it was and what it is, for the report.
	Detail   string
	Breaking bool
}

// ID is the change as schema/intended-changes.txt names it: `KIND Path`.
func (c Change) ID() string { return string(c.Kind) + " " + c.Path }

func (c Change) String() string {
	s := c.ID()
	if c.Detail != "" {
		s += " (" + c.Detail + ")"
	}
	return s
}

// Diff lists the changes from old to new, breaking or not, sorted by path then kind.
// Ordering of fields and descriptions is not a change of the contract.
func Diff(old, new *ast.Schema) []Change {
	d := &differ{}
	for _, name := range sortedKeys(old.Types) {
		o := old.Types[name]
		if o.BuiltIn {
			continue
		}
		n, ok := new.Types[name]
		switch {
		case !ok:
			d.add(TypeRemoved, name, strings.ToLower(string(o.Kind)), true)
		case n.Kind != o.Kind:
			d.add(TypeKindChanged, name, fmt.Sprintf("%s → %s", o.Kind, n.Kind), true)
		default:
			d.definition(o, n)
		}
	}
	for _, name := range sortedKeys(new.Types) {
		if _, ok := old.Types[name]; !ok && !new.Types[name].BuiltIn {
			d.add(TypeAdded, name, strings.ToLower(string(new.Types[name].Kind)), false)
		}
	}
	for _, name := range sortedKeys(old.Directives) {
		o := old.Directives[name]
		if _, ok := new.Directives[name]; !ok && !builtinDirective(o) && executable(o) {
			d.add(DirectiveRemoved, "@"+name, "", true)
		}
	}
	slices.SortStableFunc(d.changes, func(a, b Change) int {
		return strings.Compare(a.Path+" "+string(a.Kind), b.Path+" "+string(b.Kind))
	})
	return d.changes
}

// Breaking returns the breaking changes among changes.
func Breaking(changes []Change) []Change {
	var out []Change
	for _, c := range changes {
		if c.Breaking {
			out = append(out, c)
		}
	}
	return out
}

type differ struct{ changes []Change }

func (d *differ) add(k Kind, path, detail string, breaking bool) {
	d.changes = append(d.changes, Change{Kind: k, Path: path, Detail: detail, Breaking: breaking})
}

// definition compares two definitions of the same name and kind.
func (d *differ) definition(o, n *ast.Definition) {
	switch o.Kind {
	case ast.Object, ast.Interface:
		d.outputFields(o, n)
		d.members(o.Name, o.Interfaces, n.Interfaces, InterfaceRemoved, InterfaceAdded)
	case ast.InputObject:
		d.inputFields(o, n)
	case ast.Enum:
		for _, v := range o.EnumValues {
			if n.EnumValues.ForName(v.Name) == nil {
				d.add(EnumValueRemoved, o.Name+"."+v.Name, "", true)
			}
		}
		for _, v := range n.EnumValues {
			if o.EnumValues.ForName(v.Name) == nil {
				d.add(EnumValueAdded, o.Name+"."+v.Name, "", false)
			}
		}
	case ast.Union:
		d.members(o.Name, o.Types, n.Types, UnionMemberRemoved, UnionMemberAdded)
	}
}

// members compares a union's member types or an object's interfaces.
func (d *differ) members(owner string, old, new []string, removed, added Kind) {
	for _, m := range old {
		if !slices.Contains(new, m) {
			d.add(removed, owner+"."+m, "", true)
		}
	}
	for _, m := range new {
		if !slices.Contains(old, m) {
			d.add(added, owner+"."+m, "", false)
		}
	}
}

// outputFields compares the fields of an object or interface, and their arguments.
func (d *differ) outputFields(o, n *ast.Definition) {
	for _, of := range o.Fields {
		path := o.Name + "." + of.Name
		nf := n.Fields.ForName(of.Name)
		if nf == nil {
			detail := ""
			if of.Directives.ForName("deprecated") != nil {
				detail = "was deprecated"
			}
			d.add(FieldRemoved, path, detail, true)
			continue
		}
		switch {
		case !outputSafe(of.Type, nf.Type):
			d.add(FieldTypeChanged, path, of.Type.String()+" → "+nf.Type.String(), true)
		case of.Type.String() != nf.Type.String():
			d.add(TypeLoosened, path, of.Type.String()+" → "+nf.Type.String(), false)
		}
		if of.Directives.ForName("deprecated") == nil && nf.Directives.ForName("deprecated") != nil {
			d.add(FieldDeprecated, path, "", false)
		}
		d.arguments(path, of.Arguments, nf.Arguments)
	}
	for _, nf := range n.Fields {
		if o.Fields.ForName(nf.Name) == nil {
			d.add(FieldAdded, o.Name+"."+nf.Name, nf.Type.String(), false)
			// Arguments of a new field break no existing query.
		}
	}
}

// arguments compares the arguments of one field.
func (d *differ) arguments(field string, old, new ast.ArgumentDefinitionList) {
	for _, oa := range old {
		path := field + "(" + oa.Name + ")"
		na := new.ForName(oa.Name)
		if na == nil {
			d.add(ArgRemoved, path, "", true)
			continue
		}
		d.inputValue(path, oa.Type, na.Type, ArgTypeChanged)
		if defaultString(oa.DefaultValue) != defaultString(na.DefaultValue) {
			d.add(ArgDefaultChanged, path, defaultString(oa.DefaultValue)+" → "+defaultString(na.DefaultValue), false)
		}
	}
	for _, na := range new {
		if old.ForName(na.Name) == nil {
			if required(na.Type, na.DefaultValue) {
				d.add(ArgAddedRequired, field+"("+na.Name+")", na.Type.String(), true)
			} else {
				d.add(ArgAdded, field+"("+na.Name+")", na.Type.String(), false)
			}
		}
	}
}

// inputFields compares the fields of an input object.
func (d *differ) inputFields(o, n *ast.Definition) {
	for _, of := range o.Fields {
		path := o.Name + "." + of.Name
		nf := n.Fields.ForName(of.Name)
		if nf == nil {
			d.add(InputFieldRemoved, path, "", true)
			continue
		}
		d.inputValue(path, of.Type, nf.Type, InputFieldTypeChanged)
	}
	for _, nf := range n.Fields {
		if o.Fields.ForName(nf.Name) == nil {
			if required(nf.Type, nf.DefaultValue) {
				d.add(InputFieldAddedRequired, o.Name+"."+nf.Name, nf.Type.String(), true)
			} else {
				d.add(InputFieldAdded, o.Name+"."+nf.Name, nf.Type.String(), false)
			}
		}
	}
}

// inputValue compares the type of an argument or input field: it may accept more than
// before, never less. A nullable value made non-null, even with a default, refuses the
// explicit null (and the nullable variable) a client may send, so it breaks.
func (d *differ) inputValue(path string, old, new *ast.Type, kind Kind) {
	switch {
	case !inputSafe(old, new):
		d.add(kind, path, old.String()+" → "+new.String(), true)
	case old.String() != new.String():
		d.add(TypeLoosened, path, old.String()+" → "+new.String(), false)
	}
}

// outputSafe reports whether a client reading a value of type old can read one of type new:
// the same named type and list shape, and null only where null could come before.
func outputSafe(old, new *ast.Type) bool {
	if old.NonNull && !new.NonNull {
		return false
	}
	if (old.Elem == nil) != (new.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputSafe(old.Elem, new.Elem)
	}
	return old.NamedType == new.NamedType
}

// inputSafe reports whether every value a client could send as old is still accepted as new:
// the same named type and list shape, and non-null only where it was non-null before. Input
// coercion would take a single value where a list is now expected, but a query passing it
// in a variable of the old type fails validation, so T → [T] breaks too.
func inputSafe(old, new *ast.Type) bool {
	if new.NonNull && !old.NonNull {
		return false
	}
	if (old.Elem == nil) != (new.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return inputSafe(old.Elem, new.Elem)
	}
	return old.NamedType == new.NamedType
}

// required reports whether a client must now send a value.
func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }

func defaultString(v *ast.Value) string {
	if v == nil {
		return "none"
	}
	return v.String()
}

// executable reports whether a directive can appear in a client's query (rather than only in
// the schema), so that removing it can break one.
func executable(d *ast.DirectiveDefinition) bool {
	for _, l := range d.Locations {
		switch l {
		case ast.LocationQuery, ast.LocationMutation, ast.LocationSubscription, ast.LocationField,
			ast.LocationFragmentDefinition, ast.LocationFragmentSpread, ast.LocationInlineFragment,
			ast.LocationVariableDefinition:
			return true
		}
	}
	return false
}
