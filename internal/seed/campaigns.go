package seed

import (
	"time"

	"campaigns/models"
)

var (
	asean      = []string{"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}
	allFour    = []string{"PREVENTION", "PROTECTION", "PROSECUTION", "PARTNERSHIP"}
	fromStart  = (*models.PartialDate)(nil)
	burmaOpens = &models.PartialDate{Date: *date(2012, time.December, 1), Precision: models.PrecisionMonth}
)

func countries(codes ...string) map[string]*models.PartialDate {
	out := map[string]*models.PartialDate{}
	for _, c := range codes {
		out[c] = fromStart
	}
	return out
}

// campaignData lists the campaigns in an order where a parent comes before its children.
func campaignData() []campaign {
	aseanUS := countries(append([]string{"US"}, asean...)...)
	mtvSEA := countries("KH", "ID", "PH", "TH", "VN")
	mtvSEA["MM"] = burmaOpens
	return []campaign{
		{
			Campaign: models.Campaign{
				Slug: "mtv-exit", Name: "MTV EXIT (End Exploitation and Trafficking)", Status: "ACTIVE",
				Summary:        ptr("A global multimedia campaign to end exploitation and trafficking."),
				FocusList:      []string{"PREVENTION"},
				StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay,
			},
			partners: []partner{{org: "mtv-exit", role: "IMPLEMENTER"}, {org: "usaid", role: "FUNDER", note: ptr("USAID funds MTV-EXIT.")}},
		},
		{
			Campaign: models.Campaign{
				Slug: "mtv-exit-southeast-asia", Name: "MTV EXIT in Southeast Asia", Status: "ACTIVE",
				Summary: ptr("Raises awareness of trafficking among youth and vulnerable populations to prevent human trafficking in Cambodia, Indonesia, the Philippines, Thailand and Vietnam, and from December 2012 in Burma."),
				Description: ptr("In an anti-trafficking prevention effort across the region, USAID funds MTV EXIT (End Exploitation and Trafficking), a global multimedia campaign. " +
					"In Southeast Asia the programme raises awareness of trafficking among youth and vulnerable populations to prevent human trafficking in Cambodia, Indonesia, the Philippines, Thailand and Vietnam, " +
					"and opens in Burma in December 2012 through a public concert in Rangoon's People's Square. Since 2006 MTV EXIT has produced 30 major concert events, 76 television and online programmes " +
					"and dozens of outreach activities, and has engaged over 700,000 regional youth. Beginning in late November 2012, ASEAN and MTV EXIT host a Youth Session that trains young people in social media " +
					"to combat trafficking in persons and builds regional networks to further enhance awareness."),
				FocusList:     []string{"PREVENTION"},
				AudiencesList: []string{"YOUTH", "VULNERABLE_POPULATIONS"},
				ObjectivesList: []string{
					"Raise awareness of trafficking among youth and vulnerable populations",
					"Prevent human trafficking in Cambodia, Indonesia, Philippines, Thailand, and Vietnam",
					"Open in Burma in December 2012 through a public concert held in Rangoon's People's Square",
					"Train young people in social media to combat trafficking in persons and build regional networks to further enhance awareness",
				},
				StartDate: date(2006, time.January, 1), StartPrecision: models.PrecisionYear, EndPrecision: models.PrecisionDay,
			},
			parent:    "mtv-exit",
			countries: mtvSEA,
			partners: []partner{
				{org: "mtv-exit", role: "IMPLEMENTER"},
				{org: "usaid", role: "FUNDER", note: ptr("USAID funds MTV-EXIT in the region.")},
				{org: "asean", role: "HOST", note: ptr("Hosts the ASEAN–MTV EXIT Youth Session with MTV EXIT.")},
			},
		},
		{
			Campaign: models.Campaign{
				Slug: "asean-us-modern-slavery", Name: "ASEAN–U.S. cooperation against modern slavery", Status: "ACTIVE",
				Summary: ptr("The United States and the ten ASEAN member states agreed on 19 November 2012 to improve cooperative efforts to tackle modern slavery, backed by a U.S. pledge of $500,000 in technical assistance and training."),
				Description: ptr("With its partners at home and around the world, the United States is committed to enhancing efforts to end human trafficking, a crime President Obama has called a " +
					"\"debasement of our common humanity…which must be called by its true name—modern slavery.\" " +
					"During the ASEAN–U.S. Leaders' Meeting in Phnom Penh, Cambodia, on 19 November 2012, President Obama and the 10 ASEAN heads of state agreed to improve cooperative efforts to tackle modern slavery, " +
					"including the forced labor and sex trafficking of women, men and children. Together with the ASEAN members, and in partnership with civil society, the United States looks forward to enhancing regional efforts " +
					"to protect and rehabilitate trafficking survivors, bring traffickers to justice, and raise awareness so that trafficking can be stopped before it starts. " +
					"To advance these objectives, the United States pledged $500,000 in technical assistance and training for ASEAN and its member states."),
				FocusList:     allFour,
				ThemesList:    []string{"FORCED_LABOUR", "SEX_TRAFFICKING", "CHILD_TRAFFICKING", "LEGAL_FRAMEWORKS", "VICTIM_SUPPORT"},
				AudiencesList: []string{"GOVERNMENT_OFFICIALS", "LAW_ENFORCEMENT", "FRONTLINE_SERVICE_PROVIDERS"},
				ObjectivesList: []string{
					"Harmonize legal frameworks in defining and prohibiting human trafficking",
					"Increase cross-border joint investigation",
					"Build capacity for a standardized response to trafficking victims' needs",
					"Protect and rehabilitate trafficking survivors",
					"Bring traffickers to justice",
					"Raise awareness so that trafficking can be stopped before it starts",
				},
				StartDate: date(2012, time.November, 19), StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay,
			},
			countries: aseanUS,
			partners: []partner{
				{org: "us-government", role: "FUNDER"},
				{org: "us-government", role: "GOVERNMENT_PARTNER"},
				{org: "asean", role: "GOVERNMENT_PARTNER", note: ptr("ASEAN and its member states.")},
				{org: "civil-society-asean", role: "CIVIL_SOCIETY_PARTNER"},
			},
			funding: []models.FundingCommitment{{
				AmountMinor: 500_000_00, Currency: "USD",
				Purpose:       ptr("Technical assistance and training for ASEAN and its member states"),
				CommittedDate: date(2012, time.November, 19), CommittedPrecision: models.PrecisionDay,
			}},
			funders: []string{"us-government"},
		},
		{
			Campaign: models.Campaign{
				Slug: "cambodia-trafficking-victim-support", Name: "Support for trafficking victims in Cambodia", Status: "ACTIVE",
				Summary:       ptr("The United States works with the Royal Government of Cambodia and civil society to provide psychological support and other services to victims of sex and labor trafficking, and economic support through training and job placement."),
				FocusList:     []string{"PROTECTION"},
				ThemesList:    []string{"SEX_TRAFFICKING", "FORCED_LABOUR", "VICTIM_SUPPORT"},
				AudiencesList: []string{"SURVIVORS"},
				ObjectivesList: []string{
					"Provide psychological support and other services to address trauma and other mental health needs of victims of sex and labor trafficking",
					"Provide economic support to trafficking victims through training and job placement",
				},
				StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay,
			},
			countries: countries("KH"),
			partners: []partner{
				{org: "us-government", role: "FUNDER"},
				{org: "royal-government-of-cambodia", role: "GOVERNMENT_PARTNER"},
				{org: "civil-society-cambodia", role: "CIVIL_SOCIETY_PARTNER"},
			},
		},
		{
			Campaign: models.Campaign{
				Slug: "philippines-frontline-and-victim-protection", Name: "Frontline capacity and victim protection in the Philippines", Status: "ACTIVE",
				Summary:       ptr("The United States helps build the capacity of frontline service providers and funds victim support activities, which makes prosecution more effective and increases conviction rates, and supports awareness campaigns and protective services for trafficking victims."),
				FocusList:     []string{"PROTECTION", "PROSECUTION", "PREVENTION"},
				ThemesList:    []string{"VICTIM_SUPPORT"},
				AudiencesList: []string{"FRONTLINE_SERVICE_PROVIDERS", "SURVIVORS"},
				ObjectivesList: []string{
					"Build the capacity of frontline service providers",
					"Fund victim support activities, making prosecution efforts more effective and increasing conviction rates",
					"Support awareness campaigns",
					"Provide comprehensive and integrated protective services so that trafficking victims gain new life skills and are less vulnerable to re-trafficking",
				},
				StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay,
			},
			countries: countries("PH"),
			partners:  []partner{{org: "us-government", role: "FUNDER"}},
		},
		{
			Campaign: models.Campaign{
				Slug: "philippines-us-partnership-for-growth", Name: "Partnership for Growth (Philippines–United States)", Status: "ACTIVE",
				Summary:       ptr("Promotes inclusive growth focused on meaningful employment and income for the traditionally neglected segments of the population, those most vulnerable to human trafficking."),
				FocusList:     []string{"PREVENTION", "PARTNERSHIP"},
				AudiencesList: []string{"VULNERABLE_POPULATIONS"},
				ObjectivesList: []string{
					"Promote inclusive growth focused on generating meaningful employment and income opportunities for the traditionally neglected segments of the population, those most vulnerable to human trafficking",
				},
				StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay,
			},
			countries: countries("PH", "US"),
			partners: []partner{
				{org: "government-of-the-philippines", role: "GOVERNMENT_PARTNER"},
				{org: "us-government", role: "GOVERNMENT_PARTNER"},
			},
		},
		{
			Campaign: models.Campaign{
				Slug: "vietnam-victim-protection", Name: "Victim protection and shelter pilots in Vietnam", Status: "ACTIVE",
				Summary:       ptr("U.S.-funded research on victim protection and prosecution procedures, and pilot projects that have improved shelter conditions and services for victims."),
				FocusList:     []string{"PROTECTION", "PROSECUTION"},
				ThemesList:    []string{"VICTIM_SUPPORT"},
				AudiencesList: []string{"SURVIVORS", "FRONTLINE_SERVICE_PROVIDERS"},
				ObjectivesList: []string{
					"Research victim protection and prosecution procedures",
					"Improve shelter conditions and services provided to victims through pilot projects",
				},
				StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay,
			},
			countries: countries("VN"),
			partners:  []partner{{org: "us-government", role: "FUNDER"}},
		},
		{
			Campaign: models.Campaign{
				Slug: "us-burma-joint-plan", Name: "U.S.–Burma joint plan to counter trafficking in persons", Status: "ACTIVE",
				Summary: ptr("A joint plan of the Governments of the United States and Burma, announced in November 2012, with a formal, senior-level dialogue on trafficking in persons."),
				Description: ptr("In September 2012 President Obama made a public commitment to enhancing the United States' partnership with Burma on trafficking in persons, as part of continued support for Burma's reforms: " +
					"\"Last week I was proud to welcome to the Oval Office not only a great champion of democracy but a fierce advocate against the use of forced labor and child soldiers—Aung San Suu Kyi. " +
					"And as part of our engagement, we'll encourage Burma to keep taking steps to reform—because nations must speak with one voice: Our people and our children are not for sale.\" " +
					"In light of the progress made by the Government of Burma on combating trafficking in persons over the previous two years, the Governments of the United States and Burma announced in the week of 20 November 2012 " +
					"a new joint plan to counter trafficking in persons, including a formal, senior-level dialogue. The United States is committed to enhancing Burma's progress through the sharing of technical knowledge and best practices, heralding a new era of U.S.–Burma cooperation."),
				FocusList:     allFour,
				ThemesList:    []string{"SEX_TRAFFICKING", "FORCED_LABOUR", "CHILD_SOLDIERS"},
				AudiencesList: []string{"GOVERNMENT_OFFICIALS", "LAW_ENFORCEMENT"},
				ObjectivesList: []string{
					"Identifying trafficking offenses",
					"Investigating and prosecuting trafficking offenders",
					"Providing victims with access to services in line with existing international guidelines",
					"Preventing Burmese citizens from being subjected to sex trafficking or forced labor either within the country's borders or abroad",
					"Establish a formal, senior-level dialogue",
					"Share technical knowledge and best practices",
				},
				StartDate: date(2012, time.November, 1), StartPrecision: models.PrecisionMonth, EndPrecision: models.PrecisionDay,
			},
			countries: countries("MM", "US"),
			partners: []partner{
				{org: "us-government", role: "GOVERNMENT_PARTNER"},
				{org: "government-of-burma", role: "GOVERNMENT_PARTNER"},
			},
		},
	}
}
