package graph

import "campaigns/internal/problem"

// The codes as the strings extensions.code holds, under the names the tests compare with.
const (
	CodeServiceUnavailable = string(problem.ServiceUnavailable)
	CodeQueryTimeout       = string(problem.QueryTimeout)
	CodeRequestCancelled   = string(problem.RequestCancelled)
	CodeInternal           = string(problem.Internal)
)
