package filter

import (
	"fmt"
	"reflect"
	"regexp"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"k8s.io/apimachinery/pkg/api/resource"
)

// regexLibrary is Kubernetes' regex library: "s".find(re) is the first
// match of re in s ("" when none), "s".findAll(re[, n]) the matches (at
// most n). cel-go's standard library has matches() already.
func regexLibrary() cel.EnvOption {
	return cel.Lib(regexLib{})
}

type regexLib struct{}

func (regexLib) CompileOptions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Function("find",
			cel.MemberOverload("string_find_string", []*cel.Type{cel.StringType, cel.StringType}, cel.StringType,
				cel.BinaryBinding(find))),
		cel.Function("findAll",
			cel.MemberOverload("string_find_all_string", []*cel.Type{cel.StringType, cel.StringType}, cel.ListType(cel.StringType),
				cel.BinaryBinding(func(s, re ref.Val) ref.Val { return findAll(s, re, types.Int(-1)) })),
			cel.MemberOverload("string_find_all_string_int", []*cel.Type{cel.StringType, cel.StringType, cel.IntType}, cel.ListType(cel.StringType),
				cel.FunctionBinding(func(args ...ref.Val) ref.Val { return findAll(args[0], args[1], args[2]) }))),
	}
}

func (regexLib) ProgramOptions() []cel.ProgramOption { return nil }

func find(s, re ref.Val) ref.Val {
	str, ok1 := s.Value().(string)
	pattern, ok2 := re.Value().(string)
	if !ok1 || !ok2 {
		return types.MaybeNoSuchOverloadErr(s)
	}
	r, err := regexp.Compile(pattern)
	if err != nil {
		return types.NewErr("invalid regular expression %q: %v", pattern, err)
	}
	return types.String(r.FindString(str))
}

func findAll(s, re, n ref.Val) ref.Val {
	str, ok1 := s.Value().(string)
	pattern, ok2 := re.Value().(string)
	limit, ok3 := n.Value().(int64)
	if !ok1 || !ok2 || !ok3 {
		return types.MaybeNoSuchOverloadErr(s)
	}
	r, err := regexp.Compile(pattern)
	if err != nil {
		return types.NewErr("invalid regular expression %q: %v", pattern, err)
	}
	return types.DefaultTypeAdapter.NativeToValue(r.FindAllString(str, int(limit)))
}

// quantityType is Kubernetes' CEL type of a resource.Quantity.
var (
	quantityType      = cel.ObjectType("kubernetes.Quantity")
	quantityTypeValue = types.NewObjectTypeValue("kubernetes.Quantity")
)

// quantity is a resource.Quantity as a CEL value.
type quantity struct{ q resource.Quantity }

var _ ref.Val = quantity{}

func (q quantity) ConvertToNative(t reflect.Type) (any, error) {
	if reflect.TypeOf("").AssignableTo(t) {
		return q.q.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from 'Quantity' to '%v'", t)
}

func (q quantity) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case quantityTypeValue:
		return q
	case types.TypeType:
		return quantityTypeValue
	case types.StringType:
		return types.String(q.q.String())
	}
	return types.NewErr("type conversion error from '%s' to '%s'", quantityTypeValue, t)
}

func (q quantity) Equal(other ref.Val) ref.Val {
	o, ok := other.(quantity)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return types.Bool(q.q.Equal(o.q))
}

func (q quantity) Type() ref.Type { return quantityTypeValue }
func (q quantity) Value() any     { return q.q }

// quantityLibrary is Kubernetes' quantity library: quantity("1Gi"),
// isQuantity(s), and the methods isLessThan, isGreaterThan, compareTo,
// sign, add, sub, asInteger, isInteger and asApproximateFloat, as in
// Kubernetes (which has no <, > on quantities either).
func quantityLibrary() cel.EnvOption {
	return cel.Lib(quantityLib{})
}

type quantityLib struct{}

func (quantityLib) ProgramOptions() []cel.ProgramOption { return nil }

func (quantityLib) CompileOptions() []cel.EnvOption {
	q, qq := []*cel.Type{quantityType}, []*cel.Type{quantityType, quantityType}
	qi := []*cel.Type{quantityType, cel.IntType}
	return []cel.EnvOption{
		cel.Types(quantityType),
		cel.Function("quantity", cel.Overload("string_to_quantity", []*cel.Type{cel.StringType}, quantityType, cel.UnaryBinding(toQuantity))),
		cel.Function("isQuantity", cel.Overload("is_quantity_string", []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(isQuantity))),
		cel.Function("sign", cel.MemberOverload("quantity_sign", q, cel.IntType, unary(func(a resource.Quantity) ref.Val { return types.Int(a.Sign()) }))),
		cel.Function("isGreaterThan", cel.MemberOverload("quantity_is_greater_than", qq, cel.BoolType, cel.BinaryBinding(compareWith(func(c int) bool { return c > 0 })))),
		cel.Function("isLessThan", cel.MemberOverload("quantity_is_less_than", qq, cel.BoolType, cel.BinaryBinding(compareWith(func(c int) bool { return c < 0 })))),
		cel.Function("compareTo", cel.MemberOverload("quantity_compare_to", qq, cel.IntType, cel.BinaryBinding(binary(func(a, b resource.Quantity) ref.Val { return types.Int(a.Cmp(b)) })))),
		cel.Function("asApproximateFloat", cel.MemberOverload("quantity_get_float", q, cel.DoubleType, unary(func(a resource.Quantity) ref.Val { return types.Double(a.AsApproximateFloat64()) }))),
		cel.Function("asInteger", cel.MemberOverload("quantity_get_int", q, cel.IntType, unary(asInteger))),
		cel.Function("isInteger", cel.MemberOverload("quantity_is_integer", q, cel.BoolType, unary(func(a resource.Quantity) ref.Val { _, ok := a.AsInt64(); return types.Bool(ok) }))),
		cel.Function("add",
			cel.MemberOverload("quantity_add", qq, quantityType, cel.BinaryBinding(binary(func(a, b resource.Quantity) ref.Val { a.Add(b); return quantity{a} }))),
			cel.MemberOverload("quantity_add_int", qi, quantityType, cel.BinaryBinding(addInt(1)))),
		cel.Function("sub",
			cel.MemberOverload("quantity_sub", qq, quantityType, cel.BinaryBinding(binary(func(a, b resource.Quantity) ref.Val { a.Sub(b); return quantity{a} }))),
			cel.MemberOverload("quantity_sub_int", qi, quantityType, cel.BinaryBinding(addInt(-1)))),
	}
}

func toQuantity(arg ref.Val) ref.Val {
	s, ok := arg.Value().(string)
	if !ok {
		return types.MaybeNoSuchOverloadErr(arg)
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return types.NewErr("invalid quantity %q: %v", s, err)
	}
	return quantity{q}
}

func isQuantity(arg ref.Val) ref.Val {
	s, ok := arg.Value().(string)
	if !ok {
		return types.MaybeNoSuchOverloadErr(arg)
	}
	_, err := resource.ParseQuantity(s)
	return types.Bool(err == nil)
}

func asInteger(a resource.Quantity) ref.Val {
	v, ok := a.AsInt64()
	if !ok {
		return types.NewErr("cannot convert quantity %s to an integer", a.String())
	}
	return types.Int(v)
}

func addInt(sign int64) func(a, b ref.Val) ref.Val {
	return func(a, b ref.Val) ref.Val {
		q, ok1 := a.(quantity)
		n, ok2 := b.Value().(int64)
		if !ok1 || !ok2 {
			return types.MaybeNoSuchOverloadErr(b)
		}
		out := q.q.DeepCopy()
		out.Add(*resource.NewQuantity(sign*n, resource.DecimalExponent))
		return quantity{out}
	}
}

func compareWith(keep func(int) bool) func(a, b ref.Val) ref.Val {
	return binary(func(a, b resource.Quantity) ref.Val { return types.Bool(keep(a.Cmp(b))) })
}

func unary(fn func(resource.Quantity) ref.Val) cel.OverloadOpt {
	return cel.UnaryBinding(func(a ref.Val) ref.Val {
		q, ok := a.(quantity)
		if !ok {
			return types.MaybeNoSuchOverloadErr(a)
		}
		return fn(q.q)
	})
}

func binary(fn func(a, b resource.Quantity) ref.Val) func(a, b ref.Val) ref.Val {
	return func(a, b ref.Val) ref.Val {
		x, ok1 := a.(quantity)
		y, ok2 := b.(quantity)
		if !ok1 || !ok2 {
			return types.MaybeNoSuchOverloadErr(b)
		}
		return fn(x.q.DeepCopy(), y.q.DeepCopy())
	}
}
