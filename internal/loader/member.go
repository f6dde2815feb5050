package loader

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

// memberSet are the loaders of members and their registrations, kept apart from the rest
// because they carry the rule of who may see a member and the log of who did. A set
// generation makes its memberSet on first use, so a request that reads no member pays
// nothing, and Reset after a write drops it with the rest: a cached name or access
// decision never outlives the write that erased it or took it away.
type memberSet struct {
	members       *dataloadgen.Loader[int64, *models.Member]
	registrations *dataloadgen.Loader[int64, *models.Registration]
	consents      *dataloadgen.Loader[int64, *models.GuardianConsent]
	shares        *dataloadgen.Loader[int64, []*models.MemberShare]
	readers       *dataloadgen.Loader[int64, []*models.MemberReader]
	access        *dataloadgen.Loader[accessKey, string]
	reads         *dataloadgen.Loader[readKey, struct{}]
}

// lazyMembers is the memberSet of one set generation, made on first use.
type lazyMembers struct {
	once sync.Once
	set  *memberSet
}

// accessKey asks why an organization may see a member's personal data.
type accessKey struct {
	org, member int64
}

// readKey is one logged read of a member's personal data. The caller and request are part
// of the key, so that a batch never logs a read under someone else's name.
type readKey struct {
	keyID, org, member int64
	reason, requestID  string
}

func newMemberSet(s *store.Store) *memberSet {
	opt := dataloadgen.WithWait(Wait)
	return &memberSet{
		members:       dataloadgen.NewMappedLoader(s.MembersByID, opt),
		registrations: dataloadgen.NewMappedLoader(s.RegistrationsByID, opt),
		consents:      dataloadgen.NewMappedLoader(s.GuardianConsents, opt),
		shares:        dataloadgen.NewMappedLoader(s.MemberShares, opt),
		readers:       dataloadgen.NewMappedLoader(s.MemberReaders, opt),
		access:        dataloadgen.NewMappedLoader(accessFetch(s), opt),
		reads:         dataloadgen.NewLoader(readsFetch(s), opt),
	}
}

// accessFetch asks the store, one statement per organization, why each member may be seen.
func accessFetch(s *store.Store) func(context.Context, []accessKey) (map[accessKey]string, error) {
	return func(ctx context.Context, keys []accessKey) (map[accessKey]string, error) {
		byOrg := map[int64][]int64{}
		for _, k := range keys {
			byOrg[k.org] = append(byOrg[k.org], k.member)
		}
		out := make(map[accessKey]string, len(keys))
		for org, ids := range byOrg {
			reasons, err := s.MemberAccess(ctx, org, ids)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				out[accessKey{org, id}] = reasons[id]
			}
		}
		return out, nil
	}
}

// readsFetch writes the reads of a batch to the access log, one statement per caller.
func readsFetch(s *store.Store) func(context.Context, []readKey) ([]struct{}, []error) {
	return func(ctx context.Context, keys []readKey) ([]struct{}, []error) {
		type who struct {
			keyID, org int64
			requestID  string
		}
		groups := map[who][]int{}
		for i, k := range keys {
			w := who{k.keyID, k.org, k.requestID}
			groups[w] = append(groups[w], i)
		}
		errs := make([]error, len(keys))
		for w, positions := range groups {
			reads := make([]store.MemberRead, len(positions))
			for j, i := range positions {
				reads[j] = store.MemberRead{MemberID: keys[i].member, Reason: keys[i].reason}
			}
			err := s.LogMemberReads(ctx, auth.Caller{KeyID: w.keyID, OrgID: w.org}, w.requestID, reads)
			for _, i := range positions {
				errs[i] = err
			}
		}
		return make([]struct{}, len(keys)), errs
	}
}

// memberLoaders returns the current generation's memberSet, making it on first use.
func (l *Loaders) memberLoaders() *memberSet {
	s := l.get()
	s.members.once.Do(func() { s.members.set = newMemberSet(l.store) })
	return s.members.set
}

// optional loads a record that may not exist, answering a missing one with nil.
func optional[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, *V], key K) (*V, error) {
	v, err := l.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// Member loads a member by ID. It says nothing about who may see the member's personal
// data: callers check MemberAccess before they show any of it.
func (l *Loaders) Member(ctx context.Context, id int64) (*models.Member, error) {
	return single(ctx, l.memberLoaders().members, id)
}

// Registration loads a registration by ID, with its place on the waitlist.
func (l *Loaders) Registration(ctx context.Context, id int64) (*models.Registration, error) {
	return single(ctx, l.memberLoaders().registrations, id)
}

// GuardianConsent loads the latest guardian's consent of a member, or nil for none.
func (l *Loaders) GuardianConsent(ctx context.Context, memberID int64) (*models.GuardianConsent, error) {
	return optional(ctx, l.memberLoaders().consents, memberID)
}

// MemberShares loads the shares of a member, oldest first; none is an empty list.
func (l *Loaders) MemberShares(ctx context.Context, memberID int64) ([]*models.MemberShare, error) {
	shares, err := l.memberLoaders().shares.Load(ctx, memberID)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return []*models.MemberShare{}, nil
	}
	return shares, err
}

// MemberReaders loads who has read a member's personal data; nobody is an empty list.
func (l *Loaders) MemberReaders(ctx context.Context, memberID int64) ([]*models.MemberReader, error) {
	readers, err := l.memberLoaders().readers.Load(ctx, memberID)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return []*models.MemberReader{}, nil
	}
	return readers, err
}

// MemberAccess returns why the caller may see a member's name and contact details, or ""
// when it may not; an anonymous caller never may.
func (l *Loaders) MemberAccess(ctx context.Context, c auth.Caller, memberID int64) (string, error) {
	if c.Anonymous() {
		return "", nil
	}
	reason, err := l.memberLoaders().access.Load(ctx, accessKey{c.OrgID, memberID})
	if err != nil {
		return "", fmt.Errorf("access to member %d: %w", memberID, err)
	}
	return reason, nil
}

// LogMemberRead writes a read of a member's personal data to the access log, batched with
// the other reads of the request; a member read several times in one request is logged once.
// It returns only when the row is written, so that nothing is shown that is not logged.
func (l *Loaders) LogMemberRead(ctx context.Context, c auth.Caller, requestID string, memberID int64, reason string) error {
	_, err := l.memberLoaders().reads.Load(ctx, readKey{keyID: c.KeyID, org: c.OrgID, member: memberID, reason: reason, requestID: requestID})
	return err
}

// RegistrationCounts loads an event's registration counts by kind.
func (l *Loaders) RegistrationCounts(ctx context.Context, eventID int64) (store.RegistrationCount, error) {
	return load(ctx, l.get().tree, l.get().regCounts, eventID)
}

// NetworkMemberCount loads how many current members a network has.
func (l *Loaders) NetworkMemberCount(ctx context.Context, networkID int64) (int, error) {
	return load(ctx, l.get().tree, l.get().memberCounts, networkID)
}
