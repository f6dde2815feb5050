package scalar

import (
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Rules returns gqlparser's validation rules with the words about Int literals made ours
// (for gqlgen's SetValidationRulesFn). gqlparser answers `first: 2.5` with "Int cannot
// represent non-integer value: 2.5" and lets `first: 4294967297` through; here a literal
// that is not a whole number is refused, still as a validation error, with the sentence
// variables get ("first must be a whole number between -2147483648 and 2147483647; got
// 2.5"), and a whole number is left to the Int scalar, which refuses one outside 32 bits
// with BAD_USER_INPUT as it does for a variable. A literal past 64 bits, which gqlgen could
// not even read, is refused here, with the same sentence.
func Rules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.ReplaceRule(rules.ValuesOfCorrectTypeRule.Name, valuesOfCorrectType)
	return r
}

var errNotNumber = &Error{Problem: "not a number"}

// valuesOfCorrectType is gqlparser's rule without its messages about Int, and intLiterals.
func valuesOfCorrectType(observers *core.Events, addError core.AddErrFunc) {
	rules.ValuesOfCorrectTypeRule.RuleFunc(observers, func(options ...core.ErrorOption) {
		var e gqlerror.Error
		for _, o := range options {
			o(&e)
		}
		if !strings.HasPrefix(e.Message, "Int cannot represent ") {
			addError(options...)
		}
	})
	intLiterals(observers, addError)
}

// intLiterals refuses Int literals that are not whole numbers, in arguments of fields and
// directives and in variables' default values. A fragment's fields are walked both where it
// is spread and where it is defined, so each value is judged once.
func intLiterals(observers *core.Events, addError core.AddErrFunc) {
	seen := map[*ast.Value]bool{}
	arguments := func(args ast.ArgumentList) {
		for _, a := range args {
			checkLiteral(a.Name, a.Value, seen, addError)
		}
	}
	observers.OnField(func(_ *core.Walker, f *ast.Field) { arguments(f.Arguments) })
	observers.OnDirective(func(_ *core.Walker, d *ast.Directive) { arguments(d.Arguments) })
	observers.OnOperation(func(_ *core.Walker, op *ast.OperationDefinition) {
		for _, def := range op.VariableDefinitions {
			if def.DefaultValue != nil {
				checkLiteral(def.Variable, def.DefaultValue, seen, addError)
			}
		}
	})
}

// checkLiteral judges the Ints in value, named name, at any depth.
func checkLiteral(name string, value *ast.Value, seen map[*ast.Value]bool, addError core.AddErrFunc) {
	if value == nil || value.Kind == ast.Variable || value.Definition == nil || value.ExpectedType == nil || seen[value] {
		return
	}
	seen[value] = true
	switch {
	case value.ExpectedType.Elem != nil && value.Kind == ast.ListValue:
		for i, child := range value.Children {
			checkLiteral(name+"["+strconv.Itoa(i)+"]", child.Value, seen, addError)
		}
	case value.Definition.Name == "Int":
		if value.Kind == ast.NullValue {
			return // gqlparser's rule speaks of a missing required value
		}
		v, err := value.Value(nil)
		if value.Kind != ast.IntValue && value.Kind != ast.FloatValue {
			err = errNotNumber // a literal "3" is a String, whatever a variable may be
		} else if err == nil {
			if _, err = Int32(v); err != nil && err.(*Error).OutOfRange {
				return // the scalar refuses it with BAD_USER_INPUT
			}
		}
		if err != nil {
			addError(core.Message("%s %s; got %s", name, IntProblem, cut(value.String())), core.At(value.Position))
		}
	case value.Definition.Kind == ast.InputObject && value.Kind == ast.ObjectValue:
		for _, child := range value.Children {
			checkLiteral(name+"."+child.Name, child.Value, seen, addError)
		}
	}
}
