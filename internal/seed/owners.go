package seed

import (
	"fmt"

	"campaigns/internal/store"
)

// owner is the organization the fact sheet implies runs a campaign, and why. The owner edits
// the campaign and organizes its events (an editor key of MTV EXIT adds events to MTV EXIT's
// campaigns); partners keep their roles and get no right to edit, which only an owner grants
// and the fact sheet grants no one.
type owner struct {
	campaign, org, why string
}

// owners gives every seeded campaign its owner. The fact sheet is the U.S. Government's own
// account: what it calls "U.S. Government programs" and the commitments "the United States"
// made are the U.S. Government's; what it says MTV EXIT produces is MTV EXIT's, which USAID
// funds without running it.
var owners = []owner{
	{"mtv-exit", "mtv-exit",
		`MTV EXIT: the fact sheet names MTV EXIT as the campaign itself ("a global multimedia campaign") and as the producer of its concerts and programmes; USAID funds it and does not run it`},
	{"mtv-exit-southeast-asia", "mtv-exit",
		`MTV EXIT: it runs the programme in the region ("MTV EXIT has produced 30 major concert events, 76 television and online programs") and hosts its Youth Session; USAID funds it, and ASEAN co-hosts the Youth Session only`},
	{"asean-us-modern-slavery", "us-government",
		`the U.S. Government: "The United States agreed to work with ASEAN members" and "pledged $500,000"; ASEAN and its member states and civil society are its partners`},
	{"cambodia-trafficking-victim-support", "us-government",
		`the U.S. Government: the fact sheet lists this among the "existing U.S. Government programs in the region"; the Royal Government of Cambodia and civil society are its partners`},
	{"philippines-frontline-and-victim-protection", "us-government",
		`the U.S. Government: the fact sheet lists this among the "existing U.S. Government programs in the region" ("the United States helps build the capacity…")`},
	{"philippines-us-partnership-for-growth", "us-government",
		`the U.S. Government: the fact sheet lists the Partnership for Growth among the "existing U.S. Government programs in the region"; the Government of the Philippines is its partner, without a right to edit, since the fact sheet does not say who manages it`},
	{"vietnam-victim-protection", "us-government",
		`the U.S. Government: the fact sheet lists these "U.S.-funded efforts" among the "existing U.S. Government programs in the region"`},
	{"us-burma-joint-plan", "us-government",
		`the U.S. Government: the Governments of the United States and Burma announced the plan, and "The United States is committed to enhancing Burma's progress"; the Government of Burma is its partner, without a right to edit, since the fact sheet is the U.S. Government's account of the plan`},
}

// website is an organization's public website: not in the fact sheet (its own link, after
// "Read more at", did not survive in the copy the seed is drawn from), but the address the
// organization published itself under at the fact sheet's date, a public fact. Organizations
// without one known for certain (the Royal Government of Cambodia, the Government of Burma)
// or that are not one body (the civil-society groupings) have none.
type website struct {
	org, url, why string
}

var websites = []website{
	{"us-government", "https://www.usa.gov", "USA.gov, the U.S. Government's official web portal"},
	{"usaid", "https://www.usaid.gov", "USAID's own website at the fact sheet's date"},
	{"asean", "https://asean.org", "the website of the ASEAN Secretariat"},
	{"mtv-exit", "http://www.mtvexit.org", "MTV EXIT's own website at the fact sheet's date"},
	{"government-of-the-philippines", "https://www.gov.ph", "GOV.PH, the Philippine Government's official portal"},
}

// loadOwnersLanguages is the second version of the seed: owners and websites, then the
// translations, which record the campaigns' versions after their owners are set.
func loadOwnersLanguages(w *store.Writer) error {
	for _, o := range owners {
		if _, err := w.SetSeededCampaignOwner(o.campaign, o.org, FactSheet, FactSheet+"; owner: "+o.why); err != nil {
			return err
		}
	}
	for _, site := range websites {
		source := fmt.Sprintf("%s; website: %s, not given in the fact sheet", FactSheet, site.why)
		if _, err := w.SetSeededWebsite(site.org, site.url, FactSheet, source); err != nil {
			return err
		}
	}
	return loadTranslations(w)
}
