package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/models"
)

// The kinds of record search finds, as search_documents.entity_type names them.
const (
	SearchCampaign     = "CAMPAIGN"
	SearchEvent        = "EVENT"
	SearchNetwork      = "YOUTH_NETWORK"
	SearchOrganization = "ORGANIZATION"
)

// Bounds of a search, so that one query cannot make PostgreSQL work without limit.
const (
	minQueryRunes = 2
	maxQueryRunes = 200
	maxQueryWords = 8
	maxPatterns   = 4
	maxWordAlts   = 8
	snippetRunes  = 160
)

// SearchCountCap is how far a search counts its matches for totalCount: a count past it
// says only "more than SearchCountCap", as search engines show "1,000+ results".
const SearchCountCap = 1000

// SearchQuery is what to look for and where.
type SearchQuery struct {
	Text        string
	Types       []string // empty for every kind
	CountryCode string   // empty for anywhere
	// Viewer is the caller's organization, which also finds its drafts and partner-only
	// events, as in the lists; 0 for anonymous.
	Viewer int64
	// Count asks Search to count the matches too, up to SearchCountCap and one more.
	Count bool
}

// SearchPage is a page of a search, with the count of its matches when asked for.
type SearchPage struct {
	page.Page[*SearchHit]
	// Matches are the records that match across all pages, counted up to SearchCountCap + 1:
	// more than SearchCountCap says that there are more. Zero unless SearchQuery.Count.
	Matches int
}

// SearchHit is a record search found, with the text that matched.
type SearchHit struct {
	Kind            string
	ID              int64
	Score           float64
	Snippet         string
	SnippetLanguage *string
}

// analysis is the query as the database reads it: normalized, its alternative phrasings
// (countries by their other names), and for each word the words it may stand for (itself,
// the words of the documents within an edit or two of it, a country's other names).
type analysis struct {
	patterns []string
	tsquery  string
}

// analyze normalizes a query in one statement. The documents' own words serve as the
// dictionary for mistyped words: pg_trgm's similarity finds candidates through its index,
// and levenshtein keeps those within one edit (words of 4 or 5 letters) or two (longer).
func (s *Store) analyze(ctx context.Context, text string) (analysis, error) {
	var rows []struct {
		Kind string
		Ord  int
		Term string
	}
	err := s.reads(ctx).Raw(`WITH q AS (SELECT search_norm(?::text) AS q),
		words AS (
			SELECT w, ord FROM q, regexp_split_to_table(q.q, '[[:space:][:punct:]]+') WITH ORDINALITY AS t(w, ord)
			WHERE w <> '' LIMIT ?),
		names AS (
			SELECT c.code, search_norm(n) AS n FROM countries c, unnest(c.aliases || c.name::text) n)
		SELECT 'norm' AS kind, 0 AS ord, q.q AS term FROM q
		UNION ALL (
			SELECT DISTINCT 'phrase', 0, replace(q.q, a.n, b.n) FROM q, names a JOIN names b ON b.code = a.code AND b.n <> a.n
			WHERE length(a.n) > 2 AND strpos(q.q, a.n) > 0 LIMIT ?)
		UNION ALL
		SELECT 'word', ord, w FROM words
		UNION ALL (
			SELECT DISTINCT 'alt', words.ord, x.term FROM words CROSS JOIN LATERAL (
				(SELECT sw.word AS term FROM search_words sw
				  WHERE length(words.w) >= 4 AND sw.word % words.w
				    AND levenshtein(sw.word, words.w) <= CASE WHEN length(words.w) >= 6 THEN 2 ELSE 1 END
				  ORDER BY levenshtein(sw.word, words.w), sw.word LIMIT ?)
				UNION
				SELECT b.n FROM names a JOIN names b ON b.code = a.code AND b.n <> a.n WHERE a.n = words.w) x)
		ORDER BY 1, 2, 3`,
		text, maxQueryWords, maxPatterns-1, maxWordAlts).Scan(&rows).Error
	if err != nil {
		return analysis{}, fmt.Errorf("analyze search %q: %w", truncate(text), translate(err))
	}
	var a analysis
	groups := map[int][]string{}
	var order []int
	for _, r := range rows {
		switch r.Kind {
		case "norm":
			a.patterns = append([]string{r.Term}, a.patterns...)
		case "phrase":
			a.patterns = append(a.patterns, r.Term)
		case "word", "alt":
			if _, ok := groups[r.Ord]; !ok {
				order = append(order, r.Ord)
			}
			groups[r.Ord] = append(groups[r.Ord], r.Term)
		}
	}
	var and []string
	for _, o := range order {
		var or []string
		for _, t := range groups[o] {
			or = append(or, tsLexeme(t))
		}
		and = append(and, "("+strings.Join(or, " | ")+")")
	}
	a.tsquery = strings.Join(and, " & ")
	return a, nil
}

// tsLexeme quotes a term for to_tsquery; the parser may still split it, as it splits the
// documents' texts, so the two meet.
func tsLexeme(t string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(t) + "'"
}

// likePattern is a substring LIKE pattern for t, with LIKE's wildcards escaped.
func likePattern(t string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(t) + "%"
}

// searchVisible limits documents to the records the viewer may see, by the lists' rules.
func searchVisible(viewer int64) cond {
	c := visibleTo(campaignPublic, campaignVisible, viewer)
	e := visibleTo(eventPublic, eventVisible, viewer)
	return cond{
		sql: `(d.entity_type <> 'CAMPAIGN' OR EXISTS (SELECT 1 FROM campaigns c WHERE c.id = d.entity_id AND (` + c.sql + `)))
			AND (d.entity_type <> 'EVENT' OR EXISTS (SELECT 1 FROM events e WHERE e.id = d.entity_id AND (` + e.sql + `)))`,
		args: append(append([]any{}, c.args...), e.args...),
	}
}

// SearchToken names the ordering of a search's cursors: a cursor from another search
// would give a wrong page, so it is refused.
func SearchToken(q SearchQuery) string {
	return "search:" + models.TextDigest(strings.Join([]string{q.Text, strings.Join(q.Types, ","), q.CountryCode}, "\x00"))[:12]
}

// CheckSearchText refuses a query that is too short to mean anything or too long to run.
func CheckSearchText(text string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(text))
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) || n < minQueryRunes || n > maxQueryRunes {
		return problem.Wrap(ErrInvalid, "query must be %d to %d characters of text", minQueryRunes, maxQueryRunes)
	}
	return nil
}

// Search finds the records whose texts match, best first. A document matches when it
// holds the query or one of its alternative phrasings as a substring (the trigram index
// serves this for every script, spaces or none), or when it has every word of the query,
// each as typed or as one of its corrections or country names (the full-text index).
// The score favours matches in names and titles. Pages go by (score, kind, id).
//
// Every match is scored before the page is cut, so counting them (q.Count) reads no
// document more: the ranked matches (kind, id and score only, so that they are few bytes
// each) are kept once and counted up to SearchCountCap + 1, in the same statement.
func (s *Store) Search(ctx context.Context, q SearchQuery, req page.Request) (SearchPage, error) {
	if err := CheckSearchText(q.Text); err != nil {
		return SearchPage{}, err
	}
	a, err := s.analyze(ctx, q.Text)
	if err != nil {
		return SearchPage{}, err
	}
	if len(a.patterns) == 0 {
		return SearchPage{}, nil
	}
	var scores []string
	var scoreArgs []any
	for _, p := range a.patterns {
		scores = append(scores, "word_similarity(?, d.names) * 2 + word_similarity(?, d.body) + (d.body LIKE ?)::int")
		scoreArgs = append(scoreArgs, p, p, likePattern(p))
	}
	conds := searchConds(a, q)
	w, wargs := where(conds)
	rank := "0"
	var rankArgs []any
	if a.tsquery != "" {
		rank = "ts_rank(d.tsv, to_tsquery('simple', ?))"
		rankArgs = []any{a.tsquery}
	}
	after, afterArgs := "TRUE", []any(nil)
	if req.From != nil {
		kind, id, ok := strings.Cut(req.From.Key, ":")
		score, err1 := strconv.ParseFloat(req.From.Value, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return SearchPage{}, problem.Wrap(page.ErrInvalid, "the cursor is not one of this search")
		}
		after = "(h.score < ? OR (h.score = ? AND (h.entity_type, h.entity_id) > (?, ?)))"
		afterArgs = []any{score, score, kind, n}
	}
	snippetPos := make([]string, len(a.patterns))
	var posArgs []any
	for i, p := range a.patterns {
		snippetPos[i] = "nullif(strpos(search_norm(t.txt), ?), 0)"
		posArgs = append(posArgs, p)
	}
	sql := `WITH h AS (
		SELECT d.entity_type, d.entity_id,
		       round((greatest(` + strings.Join(scores, ", ") + `) + ` + rank + `)::numeric, 6)::float8 AS score
		  FROM search_documents d WHERE ` + w + `),
	pg AS (SELECT * FROM h WHERE ` + after + ` ORDER BY h.score DESC, h.entity_type, h.entity_id LIMIT ?),
	hits AS (
		SELECT pg.entity_type AS kind, pg.entity_id AS id, pg.score, s.txt, s.lang, s.pos
		  FROM pg JOIN search_documents d ON d.entity_type = pg.entity_type AND d.entity_id = pg.entity_id
		  LEFT JOIN LATERAL (
			SELECT u.txt, u.lang, u.pos FROM (
				SELECT t.txt, t.lang, t.ord, coalesce(` + strings.Join(snippetPos, ", ") + `, 0) AS pos,
				       word_similarity(?, search_norm(t.txt)) AS sim
				  FROM unnest(d.texts, d.languages) WITH ORDINALITY AS t(txt, lang, ord)) u
			 ORDER BY u.pos > 0 DESC, u.sim DESC, u.ord LIMIT 1) s ON true)`
	args := append(append(append(append(append(scoreArgs, rankArgs...), wargs...), afterArgs...), req.Size+1), posArgs...)
	args = append(args, a.patterns[0])
	if q.Count {
		// h is read twice, so PostgreSQL keeps it; an empty page still brings its count.
		sql += ` SELECT hits.*, m.n AS matches FROM (SELECT count(*) AS n FROM (SELECT 1 FROM h LIMIT ?) x) m
			LEFT JOIN hits ON true ORDER BY hits.score DESC, hits.kind, hits.id`
		args = append(args, SearchCountCap+1)
	} else {
		sql += ` SELECT hits.*, 0 AS matches FROM hits ORDER BY hits.score DESC, hits.kind, hits.id`
	}
	// The columns of hits are null on the count's row of an empty page.
	var rows []struct {
		Kind    *string
		ID      *int64
		Score   *float64
		Txt     *string
		Lang    *string
		Pos     *int
		Matches int
	}
	if err := s.reads(ctx).Raw(sql, args...).Scan(&rows).Error; err != nil {
		return SearchPage{}, fmt.Errorf("search %q: %w", truncate(q.Text), translate(err))
	}
	out := SearchPage{Page: page.Page[*SearchHit]{HasPreviousPage: req.From != nil}}
	if len(rows) > 0 {
		out.Matches = rows[0].Matches
	}
	if len(rows) == 1 && rows[0].Kind == nil { // no hit on this page: the count's row alone
		rows = nil
	}
	if len(rows) > req.Size {
		rows, out.HasNextPage = rows[:req.Size], true
	}
	token := SearchToken(q)
	for _, r := range rows {
		if r.Kind == nil || r.ID == nil || r.Score == nil {
			return SearchPage{}, fmt.Errorf("search %q: a hit without its record", truncate(q.Text))
		}
		h := &SearchHit{Kind: *r.Kind, ID: *r.ID, Score: *r.Score, SnippetLanguage: r.Lang}
		if r.Txt != nil && r.Pos != nil {
			h.Snippet = snippet(*r.Txt, *r.Pos)
		}
		out.Items = append(out.Items, h)
		out.Positions = append(out.Positions, page.Cursor{Order: token, Value: strconv.FormatFloat(h.Score, 'g', -1, 64),
			Key: h.Kind + ":" + strconv.FormatInt(h.ID, 10)})
	}
	return out, nil
}

// searchConds are the conditions on the documents that a search ranks: those that match
// the text, that the viewer may see, of the kinds and the country asked for.
func searchConds(a analysis, q SearchQuery) []cond {
	var match []string
	var matchArgs []any
	for _, p := range a.patterns {
		match = append(match, "d.body LIKE ?")
		matchArgs = append(matchArgs, likePattern(p))
	}
	if a.tsquery != "" {
		match = append(match, "d.tsv @@ to_tsquery('simple', ?)")
		matchArgs = append(matchArgs, a.tsquery)
	}
	conds := []cond{{sql: strings.Join(match, " OR "), args: matchArgs}, searchVisible(q.Viewer)}
	if len(q.Types) > 0 {
		conds = append(conds, cond{"d.entity_type = ANY(?::text[])", []any{models.StringList(q.Types)}})
	}
	if q.CountryCode != "" {
		conds = append(conds, cond{"d.country_codes @> ARRAY[?::text]", []any{q.CountryCode}})
	}
	return conds
}

// snippet cuts text to about snippetRunes characters around the match at pos (1-based,
// 0 for none), marking what it leaves out with an ellipsis.
func snippet(text string, pos int) string {
	r := []rune(text)
	if len(r) <= snippetRunes {
		return text
	}
	start := 0
	if pos > 0 {
		start = max(0, min(pos-1-snippetRunes/3, len(r)-snippetRunes))
	}
	end := min(len(r), start+snippetRunes)
	out := string(r[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(r) {
		out += "…"
	}
	return out
}
