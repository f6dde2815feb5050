package loader

import (
	"context"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"campaigns/internal/store"
	"campaigns/models"
)

// reachSet are the loaders of IATI results, breakdowns and reach figures, made on first use
// so that a request that reads none of them pays nothing.
type reachSet struct {
	results          *dataloadgen.Loader[int64, *models.Result]
	campaignResults  *dataloadgen.Loader[int64, []*models.Result]
	resultIndicators *dataloadgen.Loader[int64, []*models.Indicator]
	breakdowns       *dataloadgen.Loader[int64, []*models.IndicatorBreakdown]
	campaignReach    *dataloadgen.Loader[reachKey, *store.Reach]
}

type lazyReach struct {
	once sync.Once
	set  *reachSet
}

// reachKey asks for a campaign's reach as an organization (0 for anonymous) sees it: the
// viewer is part of the key, so that figures never mix what different callers may see.
type reachKey struct {
	viewer, campaign int64
}

func newReachSet(s *store.Store) *reachSet {
	opt := dataloadgen.WithWait(Wait)
	return &reachSet{
		results:          dataloadgen.NewMappedLoader(s.ResultsByID, opt),
		campaignResults:  dataloadgen.NewMappedLoader(s.Results, opt),
		resultIndicators: dataloadgen.NewMappedLoader(s.ResultIndicators, opt),
		breakdowns:       dataloadgen.NewMappedLoader(s.IndicatorBreakdowns, opt),
		campaignReach:    dataloadgen.NewMappedLoader(reachFetch(s), opt),
	}
}

// reachFetch asks the store once per viewer; a request has one viewer, so one statement.
func reachFetch(s *store.Store) func(context.Context, []reachKey) (map[reachKey]*store.Reach, error) {
	return func(ctx context.Context, keys []reachKey) (map[reachKey]*store.Reach, error) {
		byViewer := map[int64][]int64{}
		for _, k := range keys {
			byViewer[k.viewer] = append(byViewer[k.viewer], k.campaign)
		}
		out := make(map[reachKey]*store.Reach, len(keys))
		for viewer, ids := range byViewer {
			m, err := s.CampaignReach(ctx, viewer, ids)
			if err != nil {
				return nil, err
			}
			for id, r := range m {
				out[reachKey{viewer, id}] = r
			}
		}
		return out, nil
	}
}

func (l *Loaders) reachLoaders() *reachSet {
	s := l.get()
	s.reach.once.Do(func() { s.reach.set = newReachSet(l.store) })
	return s.reach.set
}

// Result loads a result by ID.
func (l *Loaders) Result(ctx context.Context, id int64) (*models.Result, error) {
	return single(ctx, l.reachLoaders().results, id)
}

// Results loads a campaign's results.
func (l *Loaders) Results(ctx context.Context, campaignID int64) ([]*models.Result, error) {
	return l.reachLoaders().campaignResults.Load(ctx, campaignID)
}

// ResultIndicators loads the indicators of a result.
func (l *Loaders) ResultIndicators(ctx context.Context, resultID int64) ([]*models.Indicator, error) {
	return l.reachLoaders().resultIndicators.Load(ctx, resultID)
}

// IndicatorBreakdowns loads the breakdowns of a period.
func (l *Loaders) IndicatorBreakdowns(ctx context.Context, periodID int64) ([]*models.IndicatorBreakdown, error) {
	return l.reachLoaders().breakdowns.Load(ctx, periodID)
}

// CampaignReach loads a campaign's reach as viewer sees it.
func (l *Loaders) CampaignReach(ctx context.Context, viewer, campaignID int64) (*store.Reach, error) {
	return l.reachLoaders().campaignReach.Load(ctx, reachKey{viewer, campaignID})
}
