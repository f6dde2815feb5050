package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// readBack is one write of a partner: the record it makes, selected with every field the
// input sets, and what those fields must read.
type readBack struct {
	name   string
	client *apitest.Client
	// mutation is the mutation field with its input, e.g. `createCampaign(input: $in)`.
	mutation string
	in       map[string]any
	// record is the payload's field that holds the record, typ its GraphQL type.
	record, typ string
	// fields select what the input set; want is what they must read, as JSON.
	fields, want string
}

// check runs the write and reads the record back twice, in the payload and afterwards by
// node(id), each time with every field the writer set; it returns the record's ID.
func (rb readBack) check(t *testing.T) string {
	t.Helper()
	var want any
	if err := json.Unmarshal([]byte(rb.want), &want); err != nil {
		t.Fatalf("%s: want is not JSON: %v", rb.name, err)
	}
	res := rb.client.Query(t, fmt.Sprintf(`mutation ($in: %s) { m: %s { record: %s { id %s } userErrors { field code message } } }`,
		inputType(rb.mutation), rb.mutation, rb.record, rb.fields), map[string]any{"in": rb.in})
	var p struct {
		M struct {
			Record     map[string]any
			UserErrors []any
		}
	}
	res.MustData(t, &p)
	if len(p.M.UserErrors) > 0 || p.M.Record == nil {
		t.Fatalf("%s: userErrors %v, record %v", rb.name, p.M.UserErrors, p.M.Record)
	}
	id, _ := p.M.Record["id"].(string)
	delete(p.M.Record, "id")
	if d := cmp.Diff(want, any(p.M.Record)); d != "" {
		t.Errorf("%s: the payload reads back (-wrote +read):\n%s", rb.name, d)
	}
	var n struct{ Node map[string]any }
	rb.client.Query(t, fmt.Sprintf(`query ($id: ID!) { node(id: $id) { ... on %s { %s } } }`, rb.typ, rb.fields),
		map[string]any{"id": id}).MustData(t, &n)
	if d := cmp.Diff(want, any(n.Node)); d != "" {
		t.Errorf("%s: node(id) reads back (-wrote +read):\n%s", rb.name, d)
	}
	return id
}

// inputType names the input type of a mutation field written as `createCampaign(input: $in)`.
func inputType(mutation string) string {
	name, _, _ := strings.Cut(mutation, "(")
	return strings.ToUpper(name[:1]) + name[1:] + "Input!"
}

// TestWriterReadsBackWhatItWrote walks every type a partner writes and checks that the
// writer reads every field it set, in the mutation's payload and by node(id) afterwards:
// drafts, private addresses and members' personal data included, since they are its own.
func TestWriterReadsBackWhatItWrote(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st)
	admin := c.As(apitest.Key(t, st, "writer", "ADMIN"))
	platform := c.As(apitest.Key(t, st, "platform-operator", "PLATFORM"))

	org := readBack{name: "organization", client: platform, mutation: "createOrganization(input: $in)", record: "organization", typ: "Organization",
		in: map[string]any{"slug": "mekong-youth", "name": "Mekong Youth Alliance", "kind": "CIVIL_SOCIETY", "country": "Burma",
			"website": "https://mekong-youth.example.org", "description": "Youth groups along the Mekong."},
		fields: `slug name kind country { code } website description`,
		want: `{"slug": "mekong-youth", "name": "Mekong Youth Alliance", "kind": "CIVIL_SOCIETY", "country": {"code": "MM"},
			"website": "https://mekong-youth.example.org", "description": "Youth groups along the Mekong."}`}
	orgID := org.check(t)

	parent := readBack{name: "campaign", client: admin, mutation: "createCampaign(input: $in)", record: "campaign", typ: "Campaign",
		in: map[string]any{"slug": "exit-mekong", "name": "EXIT Mekong", "summary": "Safe migration along the Mekong.",
			"description": "Concerts and outreach in border towns.", "focus": []string{"PREVENTION", "PARTNERSHIP"},
			"themes": []string{"SAFE_MIGRATION", "FORCED_LABOUR"}, "audiences": []string{"YOUTH", "MEDIA"},
			"objectives": []string{"Reach 10,000 young people"}, "startsOn": "2013-02", "endsOn": "2014",
			"countries": []string{"Burma", "TH"}},
		fields: `slug name summary description status focus themes audiences objectives startsOn startsOnPrecision
			endsOn endsOnPrecision countries { code } owner { slug } version`,
		want: `{"slug": "exit-mekong", "name": "EXIT Mekong", "summary": "Safe migration along the Mekong.",
			"description": "Concerts and outreach in border towns.", "status": "DRAFT", "focus": ["PREVENTION", "PARTNERSHIP"],
			"themes": ["SAFE_MIGRATION", "FORCED_LABOUR"], "audiences": ["YOUTH", "MEDIA"], "objectives": ["Reach 10,000 young people"],
			"startsOn": "2013-02", "startsOnPrecision": "MONTH", "endsOn": "2014", "endsOnPrecision": "YEAR",
			"countries": [{"code": "MM"}, {"code": "TH"}], "owner": {"slug": "writer"}, "version": 1}`}
	parentID := parent.check(t)

	child := readBack{name: "campaign with a parent", client: admin, mutation: "createCampaign(input: $in)", record: "campaign", typ: "Campaign",
		in:     map[string]any{"slug": "exit-mekong-thailand", "name": "EXIT Mekong Thailand", "status": "ACTIVE", "parent": parentID, "countries": []string{"TH"}},
		fields: `status parent { id }`,
		want:   fmt.Sprintf(`{"status": "ACTIVE", "parent": {"id": %q}}`, parentID)}
	child.check(t)

	readBack{name: "campaign partner", client: admin, mutation: "addCampaignPartner(input: $in)", record: "campaign", typ: "Campaign",
		in:     map[string]any{"campaign": parentID, "organization": orgID, "role": "IMPLEMENTER", "canEdit": true, "note": "Runs the outreach."},
		fields: `partners { organization { slug } role note canEdit }`,
		want:   `{"partners": [{"organization": {"slug": "mekong-youth"}, "role": "IMPLEMENTER", "note": "Runs the outreach.", "canEdit": true}]}`,
	}.check(t)

	readBack{name: "funding commitment", client: admin, mutation: "recordFundingCommitment(input: $in)", record: "fundingCommitment", typ: "FundingCommitment",
		in: map[string]any{"campaign": parentID, "funder": orgID, "amount": "125000.50", "currency": "USD", "purpose": "Outreach",
			"committedOn": "2013-03-01", "source": "Grant letter"},
		fields: `funder { slug } amount amountMinor currency purpose committedOn committedOnPrecision source`,
		want: `{"funder": {"slug": "mekong-youth"}, "amount": "125000.50", "amountMinor": "12500050", "currency": "USD", "purpose": "Outreach",
			"committedOn": "2013-03-01", "committedOnPrecision": "DAY", "source": "Grant letter"}`,
	}.check(t)

	result := readBack{name: "result", client: admin, mutation: "createResult(input: $in)", record: "result", typ: "Result",
		in: map[string]any{"campaign": parentID, "type": "OUTCOME", "title": "Young people migrate safely",
			"description": "Fewer young people leave without a contract.", "aggregationStatus": true},
		fields: `type title description aggregationStatus campaign { id }`,
		want: fmt.Sprintf(`{"type": "OUTCOME", "title": "Young people migrate safely", "description": "Fewer young people leave without a contract.",
			"aggregationStatus": true, "campaign": {"id": %q}}`, parentID)}
	resultID := result.check(t)

	readBack{name: "indicator", client: admin, mutation: "recordIndicatorValues(input: $in)", record: "indicator", typ: "Indicator",
		in: map[string]any{"campaign": parentID, "code": "youth-reached", "name": "Young people reached", "unit": "PEOPLE",
			"start": "2013-01", "end": "2013-12", "baseline": 100, "target": 10000, "actual": 7500, "actualComparator": "AT_LEAST",
			"note": "Counted at the gates.", "source": "Field reports", "result": resultID, "measure": "UNIT", "ascending": true,
			"baselineYear": 2012, "baselineValue": 100, "baselineComment": "Before the campaign.",
			"breakdowns": []map[string]any{{"kind": "ACTUAL", "country": "Burma", "sex": "FEMALE", "ageBand": "AGE_18_24", "value": 4000}}},
		fields: `code name unit campaign { id } result { id } measure ascending baseline { year value comment }
			periods { start startPrecision end endPrecision baseline target actual actualComparator note source
			          breakdowns { kind country { code } sex ageBand value } }`,
		want: fmt.Sprintf(`{"code": "youth-reached", "name": "Young people reached", "unit": "PEOPLE", "campaign": {"id": %q}, "result": {"id": %q},
			"measure": "UNIT", "ascending": true, "baseline": {"year": 2012, "value": 100, "comment": "Before the campaign."},
			"periods": [{"start": "2013-01", "startPrecision": "MONTH", "end": "2013-12", "endPrecision": "MONTH", "baseline": 100,
			             "target": 10000, "actual": 7500, "actualComparator": "AT_LEAST", "note": "Counted at the gates.", "source": "Field reports",
			             "breakdowns": [{"kind": "ACTUAL", "country": {"code": "MM"}, "sex": "FEMALE", "ageBand": "AGE_18_24", "value": 4000}]}]}`,
			parentID, resultID),
	}.check(t)

	event := readBack{name: "event", client: admin, mutation: "createEvent(input: $in)", record: "event", typ: "Event",
		in: map[string]any{"campaign": parentID, "title": "Border town concert", "summary": "Music and safe-migration talks.",
			"description": "An evening concert with outreach stalls.", "kind": "CONCERT", "status": "SCHEDULED", "visibility": "PARTNERS",
			"startsAt": "2013-06-01T19:00:00+07:00", "endsAt": "2013-06-01T22:30:00+07:00", "timeZone": "Asia/Bangkok",
			"venue": map[string]any{"name": "Riverside shelter hall", "city": "Mae Sot", "country": "TH", "latitude": 16.71337,
				"longitude": 98.57421, "address": "12 River Road, Mae Sot"},
			"onlineUrl": "https://stream.example.org/mae-sot", "capacity": 400,
			"registration": map[string]any{"opensAt": "2013-05-01T09:00:00+07:00", "closesAt": "2013-05-31T18:00:00+07:00", "waitlistEnabled": true}},
		fields: `title summary description kind status: recordedStatus visibility startsAt endsAt timeZone datePrecision onlineUrl capacity
			venue { name city country { code } coordinates { latitude longitude } address }
			registration { opensAt closesAt waitlistEnabled } campaign { id } organizer { slug } version`,
		want: fmt.Sprintf(`{"title": "Border town concert", "summary": "Music and safe-migration talks.",
			"description": "An evening concert with outreach stalls.", "kind": "CONCERT", "status": "SCHEDULED", "visibility": "PARTNERS",
			"startsAt": "2013-06-01T19:00:00+07:00", "endsAt": "2013-06-01T22:30:00+07:00", "timeZone": "Asia/Bangkok", "datePrecision": "MINUTE",
			"onlineUrl": "https://stream.example.org/mae-sot", "capacity": 400,
			"venue": {"name": "Riverside shelter hall", "city": "Mae Sot", "country": {"code": "TH"},
			          "coordinates": {"latitude": 16.71337, "longitude": 98.57421}, "address": "12 River Road, Mae Sot"},
			"registration": {"opensAt": "2013-05-01T09:00:00+07:00", "closesAt": "2013-05-31T18:00:00+07:00", "waitlistEnabled": true},
			"campaign": {"id": %q}, "organizer": {"slug": "writer"}, "version": 1}`, parentID)}
	eventID := event.check(t)

	// A new place for the event is the organizer's too, and so are the event's translations.
	readBack{name: "event with a new venue", client: admin, mutation: "updateEvent(input: $in)", record: "event", typ: "Event",
		in: map[string]any{"id": eventID, "expectedVersion": 1, "venue": map[string]any{"name": "Safe house", "city": "Mae Sot",
			"country": "TH", "latitude": 16.70011, "longitude": 98.56022, "address": "3 Hidden Lane, Mae Sot", "addressPrivate": true}},
		fields: `version venue { name address coordinates { latitude longitude } }`,
		want: `{"version": 2, "venue": {"name": "Safe house", "address": "3 Hidden Lane, Mae Sot",
			"coordinates": {"latitude": 16.70011, "longitude": 98.56022}}}`,
	}.check(t)
	readBack{name: "translations", client: admin, mutation: "setTranslations(input: $in)", record: "record", typ: "Event",
		in: map[string]any{"record": eventID, "originalLanguage": "en", "translations": []map[string]any{
			{"field": "TITLE", "language": "th", "text": "คอนเสิร์ตเมืองชายแดน"}}},
		fields: `originalLanguage translations { field language text }`,
		want:   `{"originalLanguage": "en", "translations": [{"field": "TITLE", "language": "th", "text": "คอนเสิร์ตเมืองชายแดน"}]}`,
	}.check(t)

	readBack{name: "youth network", client: admin, mutation: "createYouthNetwork(input: $in)", record: "youthNetwork", typ: "YouthNetwork",
		in: map[string]any{"slug": "mekong-youth-network", "name": "Mekong Youth Network", "description": "Young people of the border towns.",
			"scope": "NATIONAL", "country": "TH", "foundedAt": eventID, "coordinators": []string{orgID},
			"channels": []map[string]any{{"platform": "FACEBOOK", "url": "https://facebook.example.org/mekongyouth", "handle": "mekongyouth"}}},
		fields: `slug name description scope country { code } foundedAt { id } coordinators { slug } channels { platform url handle } owner { slug } version`,
		want: fmt.Sprintf(`{"slug": "mekong-youth-network", "name": "Mekong Youth Network", "description": "Young people of the border towns.",
			"scope": "NATIONAL", "country": {"code": "TH"}, "foundedAt": {"id": %q},
			"coordinators": [{"slug": "mekong-youth"}, {"slug": "writer"}],
			"channels": [{"platform": "FACEBOOK", "url": "https://facebook.example.org/mekongyouth", "handle": "mekongyouth"}],
			"owner": {"slug": "writer"}, "version": 1}`, eventID),
	}.check(t)

	readBack{name: "member", client: admin, mutation: "createMember(input: $in)", record: "member", typ: "Member",
		in:     map[string]any{"displayName": "Nilar", "ageBand": "AGE_18_24", "country": "Burma", "email": "nilar@example.org", "phone": "+95 9 555 0100"},
		fields: `displayName ageBand minor country { code } contact { email phone } erased recordedBy { slug } version`,
		want: `{"displayName": "Nilar", "ageBand": "AGE_18_24", "minor": false, "country": {"code": "MM"},
			"contact": {"email": "nilar@example.org", "phone": "+95 9 555 0100"}, "erased": false, "recordedBy": {"slug": "writer"}, "version": 1}`,
	}.check(t)

	minorID := readBack{name: "minor", client: admin, mutation: "createMember(input: $in)", record: "member", typ: "Member",
		in:     map[string]any{"displayName": "Aye", "ageBand": "AGE_16_17"},
		fields: `displayName minor guardianConsent { relationship }`,
		want:   `{"displayName": "Aye", "minor": true, "guardianConsent": null}`,
	}.check(t)
	readBack{name: "guardian consent", client: admin, mutation: "recordGuardianConsent(input: $in)", record: "member", typ: "Member",
		in: map[string]any{"member": minorID, "guardianName": "Daw Mya", "relationship": "PARENT", "method": "WRITTEN",
			"givenAt": "2013-01-05T03:30:00Z"},
		fields: `guardianConsent { guardianName relationship method givenAt }`,
		want:   `{"guardianConsent": {"guardianName": "Daw Mya", "relationship": "PARENT", "method": "WRITTEN", "givenAt": "2013-01-05T03:30:00Z"}}`,
	}.check(t)

	readBack{name: "API key", client: admin, mutation: "createApiKey(input: $in)", record: "apiKey", typ: "ApiKey",
		in:     map[string]any{"name": "field app", "role": "VIEWER"},
		fields: `name role organization { slug } revokedAt`,
		want:   `{"name": "field app", "role": "VIEWER", "organization": {"slug": "writer"}, "revokedAt": null}`,
	}.check(t)
}
