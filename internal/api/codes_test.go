package api

import "campaigns/internal/problem"

// The codes as the strings extensions.code holds, under the names the tests compare with.
const (
	CodeBadRequest            = string(problem.BadRequest)
	CodeBodyTooLarge          = string(problem.BodyTooLarge)
	CodeHeadersTooLarge       = string(problem.HeadersTooLarge)
	CodeMethodNotAllowed      = string(problem.MethodNotAllowed)
	CodeIntrospectionDisabled = string(problem.IntrospectionDisabled)
)
