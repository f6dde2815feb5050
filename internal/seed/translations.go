package seed

import (
	"fmt"

	"campaigns/internal/store"
	"campaigns/models"
)

// The languages of the countries the seeded records concern, as internal/lang writes them.
const (
	khmer      = "km"  // Cambodia
	indonesian = "id"  // Indonesia
	filipino   = "fil" // the Philippines
	thai       = "th"  // Thailand
	vietnamese = "vi"  // Viet Nam
	burmese    = "my"  // Myanmar
)

// regional are the languages of the six countries of MTV EXIT in Southeast Asia, which the
// regional records (the ASEAN–U.S. cooperation, its meeting, MTV EXIT, its events, network
// and indicators) are given in. Lao and Malay, the languages of Laos, Malaysia and Brunei,
// which the ASEAN-wide records also concern, are not among them: no one on the project could
// write them with the care the others had, and a partner's translation is better than a poor
// one.
var regional = []string{khmer, indonesian, filipino, thai, vietnamese, burmese}

// text is one text of a seeded record in English, as the first version of the seed wrote it,
// and in other languages. The translations are this project's own, made for the seed and
// reviewed by no owner of the records: they are stored with origin SEED, so a screen can say
// they are not official. Place names are as each language writes them today (Myanmar, Yangon),
// where the English keeps the fact sheet's (Burma, Rangoon). Thai dates are in the Buddhist
// era (2555 is 2012), as Thai readers expect.
type text struct {
	kind     string // store.TranslateCampaign, TranslateEvent, TranslateNetwork or TranslateIndicator
	campaign string // the campaign's slug, for a campaign, an event or an indicator
	event    string // an event's kind, which tells the seeded events of a campaign apart
	network  string // a network's slug
	code     string // an indicator's code
	field    string
	en       string
	tr       map[string]string
}

func campaignText(slug, field, en string, tr map[string]string) text {
	return text{kind: store.TranslateCampaign, campaign: slug, field: field, en: en, tr: tr}
}

func eventText(campaign, kind, field, en string, tr map[string]string) text {
	return text{kind: store.TranslateEvent, campaign: campaign, event: kind, field: field, en: en, tr: tr}
}

func networkText(slug, field, en string, tr map[string]string) text {
	return text{kind: store.TranslateNetwork, network: slug, field: field, en: en, tr: tr}
}

func indicatorText(campaign, code, en string, tr map[string]string) text {
	return text{kind: store.TranslateIndicator, campaign: campaign, code: code, field: "NAME", en: en, tr: tr}
}

// texts are the seeded records' names, titles and summaries (a network's description stands
// for its summary; indicators have a name only) in the languages of the countries each
// concerns: a campaign's countries, the countries of an event's campaign, the region for the
// regional network and for the global campaign, which is in the region through its regional one.
var texts = []text{
	// --- Campaigns ----------------------------------------------------------------------
	campaignText("mtv-exit", "NAME", "MTV EXIT (End Exploitation and Trafficking)", map[string]string{
		khmer:      "MTV EXIT (បញ្ចប់ការកេងប្រវ័ញ្ច និងការជួញដូរមនុស្ស)",
		indonesian: "MTV EXIT (Akhiri Eksploitasi dan Perdagangan Orang)",
		filipino:   "MTV EXIT (Wakasan ang Pagsasamantala at Pangangalakal ng Tao)",
		thai:       "MTV EXIT (ยุติการแสวงประโยชน์และการค้ามนุษย์)",
		vietnamese: "MTV EXIT (Chấm dứt bóc lột và mua bán người)",
		burmese:    "MTV EXIT (ခေါင်းပုံဖြတ်မှုနှင့် လူကုန်ကူးမှု အဆုံးသတ်ရေး)",
	}),
	campaignText("mtv-exit", "SUMMARY", "A global multimedia campaign to end exploitation and trafficking.", map[string]string{
		khmer:      "យុទ្ធនាការពហុព័ត៌មានសកលមួយ ដើម្បីបញ្ចប់ការកេងប្រវ័ញ្ច និងការជួញដូរមនុស្ស។",
		indonesian: "Kampanye multimedia global untuk mengakhiri eksploitasi dan perdagangan orang.",
		filipino:   "Isang pandaigdigang kampanyang multimedia para wakasan ang pagsasamantala at pangangalakal ng tao.",
		thai:       "แคมเปญมัลติมีเดียระดับโลกเพื่อยุติการแสวงประโยชน์และการค้ามนุษย์",
		vietnamese: "Chiến dịch đa phương tiện toàn cầu nhằm chấm dứt bóc lột và mua bán người.",
		burmese:    "ခေါင်းပုံဖြတ်မှုနှင့် လူကုန်ကူးမှုကို အဆုံးသတ်ရန် ကမ္ဘာလုံးဆိုင်ရာ မာလ်တီမီဒီယာ လှုပ်ရှားမှု။",
	}),
	campaignText("mtv-exit-southeast-asia", "NAME", "MTV EXIT in Southeast Asia", map[string]string{
		khmer:      "MTV EXIT នៅអាស៊ីអាគ្នេយ៍",
		indonesian: "MTV EXIT di Asia Tenggara",
		filipino:   "MTV EXIT sa Timog-Silangang Asya",
		thai:       "MTV EXIT ในเอเชียตะวันออกเฉียงใต้",
		vietnamese: "MTV EXIT tại Đông Nam Á",
		burmese:    "အရှေ့တောင်အာရှရှိ MTV EXIT",
	}),
	campaignText("mtv-exit-southeast-asia", "SUMMARY",
		"Raises awareness of trafficking among youth and vulnerable populations to prevent human trafficking in Cambodia, Indonesia, the Philippines, Thailand and Vietnam, and from December 2012 in Burma.",
		map[string]string{
			khmer:      "លើកកម្ពស់ការយល់ដឹងអំពីការជួញដូរមនុស្ស ក្នុងចំណោមយុវជន និងប្រជាជនងាយរងគ្រោះ ដើម្បីទប់ស្កាត់ការជួញដូរមនុស្ស នៅកម្ពុជា ឥណ្ឌូណេស៊ី ហ្វីលីពីន ថៃ និងវៀតណាម ហើយចាប់ពីខែធ្នូ ឆ្នាំ២០១២ នៅមីយ៉ាន់ម៉ា។",
			indonesian: "Meningkatkan kesadaran tentang perdagangan orang di kalangan kaum muda dan kelompok rentan untuk mencegah perdagangan orang di Kamboja, Indonesia, Filipina, Thailand, dan Vietnam, serta mulai Desember 2012 di Myanmar.",
			filipino:   "Nagpapalaganap ng kamalayan tungkol sa pangangalakal ng tao sa mga kabataan at mga bulnerableng populasyon upang maiwasan ito sa Cambodia, Indonesia, Pilipinas, Thailand at Vietnam, at mula Disyembre 2012 sa Myanmar.",
			thai:       "สร้างความตระหนักรู้เรื่องการค้ามนุษย์ในหมู่เยาวชนและกลุ่มเปราะบาง เพื่อป้องกันการค้ามนุษย์ในกัมพูชา อินโดนีเซีย ฟิลิปปินส์ ไทย และเวียดนาม และตั้งแต่เดือนธันวาคม 2555 ในเมียนมา",
			vietnamese: "Nâng cao nhận thức về mua bán người trong giới trẻ và các nhóm dễ bị tổn thương nhằm phòng ngừa mua bán người tại Campuchia, Indonesia, Philippines, Thái Lan và Việt Nam, và từ tháng 12 năm 2012 tại Myanmar.",
			burmese:    "ကမ္ဘောဒီးယား၊ အင်ဒိုနီးရှား၊ ဖိလစ်ပိုင်၊ ထိုင်းနှင့် ဗီယက်နမ်နိုင်ငံတို့တွင်လည်းကောင်း၊ ၂၀၁၂ ခုနှစ် ဒီဇင်ဘာလမှစ၍ မြန်မာနိုင်ငံတွင်လည်းကောင်း လူကုန်ကူးမှုကို ကာကွယ်ရန် လူငယ်များနှင့် ထိခိုက်လွယ်သော လူအုပ်စုများအကြား လူကုန်ကူးမှုဆိုင်ရာ အသိပညာပေးမှုကို မြှင့်တင်သည်။",
		}),
	campaignText("asean-us-modern-slavery", "NAME", "ASEAN–U.S. cooperation against modern slavery", map[string]string{
		khmer:      "កិច្ចសហប្រតិបត្តិការអាស៊ាន–សហរដ្ឋអាមេរិក ប្រឆាំងនឹងទាសភាពសម័យទំនើប",
		indonesian: "Kerja sama ASEAN–AS melawan perbudakan modern",
		filipino:   "Pagtutulungan ng ASEAN at Estados Unidos laban sa makabagong pang-aalipin",
		thai:       "ความร่วมมืออาเซียน–สหรัฐอเมริกาเพื่อต่อต้านทาสยุคใหม่",
		vietnamese: "Hợp tác ASEAN–Hoa Kỳ chống nô lệ hiện đại",
		burmese:    "ခေတ်သစ်ကျွန်စနစ် တိုက်ဖျက်ရေး အာဆီယံ–အမေရိကန် ပူးပေါင်းဆောင်ရွက်မှု",
	}),
	campaignText("asean-us-modern-slavery", "SUMMARY",
		"The United States and the ten ASEAN member states agreed on 19 November 2012 to improve cooperative efforts to tackle modern slavery, backed by a U.S. pledge of $500,000 in technical assistance and training.",
		map[string]string{
			khmer:      "នៅថ្ងៃទី១៩ ខែវិច្ឆិកា ឆ្នាំ២០១២ សហរដ្ឋអាមេរិក និងរដ្ឋជាសមាជិកអាស៊ានទាំងដប់ បានព្រមព្រៀងពង្រឹងកិច្ចខិតខំប្រឹងប្រែងរួមគ្នា ដើម្បីដោះស្រាយទាសភាពសម័យទំនើប ដោយមានការសន្យារបស់សហរដ្ឋអាមេរិក ចំនួន ៥០០.០០០ ដុល្លារ សម្រាប់ជំនួយបច្ចេកទេស និងការបណ្តុះបណ្តាល។",
			indonesian: "Amerika Serikat dan sepuluh negara anggota ASEAN sepakat pada 19 November 2012 untuk meningkatkan upaya bersama menanggulangi perbudakan modern, didukung janji AS sebesar US$500.000 untuk bantuan teknis dan pelatihan.",
			filipino:   "Noong 19 Nobyembre 2012, nagkasundo ang Estados Unidos at ang sampung kasaping estado ng ASEAN na paigtingin ang sama-samang pagsisikap laban sa makabagong pang-aalipin, sa suporta ng pangako ng Estados Unidos na $500,000 para sa teknikal na tulong at pagsasanay.",
			thai:       "เมื่อวันที่ 19 พฤศจิกายน 2555 สหรัฐอเมริกาและประเทศสมาชิกอาเซียนทั้งสิบประเทศตกลงที่จะเพิ่มพูนความร่วมมือในการแก้ไขปัญหาทาสยุคใหม่ โดยสหรัฐอเมริกาให้คำมั่นสนับสนุนความช่วยเหลือทางวิชาการและการฝึกอบรมมูลค่า 500,000 ดอลลาร์สหรัฐ",
			vietnamese: "Ngày 19 tháng 11 năm 2012, Hoa Kỳ và mười quốc gia thành viên ASEAN đã nhất trí tăng cường nỗ lực hợp tác nhằm giải quyết tình trạng nô lệ hiện đại, với cam kết của Hoa Kỳ dành 500.000 đô la Mỹ cho hỗ trợ kỹ thuật và đào tạo.",
			burmese:    "၂၀၁၂ ခုနှစ် နိုဝင်ဘာ ၁၉ ရက်တွင် အမေရိကန်ပြည်ထောင်စုနှင့် အာဆီယံအဖွဲ့ဝင်နိုင်ငံ ဆယ်နိုင်ငံတို့သည် ခေတ်သစ်ကျွန်စနစ်ကို ဖြေရှင်းရန် ပူးပေါင်းကြိုးပမ်းမှုများ တိုးမြှင့်ရန် သဘောတူခဲ့ကြပြီး နည်းပညာအကူအညီနှင့် သင်တန်းများအတွက် အမေရိကန်က ဒေါ်လာ ၅၀၀,၀၀၀ ကတိပြုခဲ့သည်။",
		}),
	campaignText("cambodia-trafficking-victim-support", "NAME", "Support for trafficking victims in Cambodia", map[string]string{
		khmer: "ការគាំទ្រជនរងគ្រោះនៃការជួញដូរមនុស្ស នៅកម្ពុជា",
	}),
	campaignText("cambodia-trafficking-victim-support", "SUMMARY",
		"The United States works with the Royal Government of Cambodia and civil society to provide psychological support and other services to victims of sex and labor trafficking, and economic support through training and job placement.",
		map[string]string{
			khmer: "សហរដ្ឋអាមេរិកធ្វើការជាមួយរាជរដ្ឋាភិបាលកម្ពុជា និងសង្គមស៊ីវិល ដើម្បីផ្តល់ការគាំទ្រផ្លូវចិត្ត និងសេវាផ្សេងៗទៀត ដល់ជនរងគ្រោះនៃការជួញដូរផ្លូវភេទ និងពលកម្ម ព្រមទាំងការគាំទ្រផ្នែកសេដ្ឋកិច្ច តាមរយៈការបណ្តុះបណ្តាល និងការជួយរកការងារ។",
		}),
	campaignText("philippines-frontline-and-victim-protection", "NAME", "Frontline capacity and victim protection in the Philippines", map[string]string{
		filipino: "Kakayahan ng mga frontline service provider at proteksyon ng mga biktima sa Pilipinas",
	}),
	campaignText("philippines-frontline-and-victim-protection", "SUMMARY",
		"The United States helps build the capacity of frontline service providers and funds victim support activities, which makes prosecution more effective and increases conviction rates, and supports awareness campaigns and protective services for trafficking victims.",
		map[string]string{
			filipino: "Tumutulong ang Estados Unidos na palakasin ang kakayahan ng mga frontline service provider at pinopondohan ang mga gawaing sumusuporta sa mga biktima, na nagpapabisa sa pag-uusig at nagpapataas ng bilang ng nahahatulan, at sinusuportahan ang mga kampanya ng kamalayan at mga serbisyong pamproteksyon para sa mga biktima ng pangangalakal ng tao.",
		}),
	campaignText("philippines-us-partnership-for-growth", "NAME", "Partnership for Growth (Philippines–United States)", map[string]string{
		filipino: "Partnership for Growth (Pilipinas–Estados Unidos)",
	}),
	campaignText("philippines-us-partnership-for-growth", "SUMMARY",
		"Promotes inclusive growth focused on meaningful employment and income for the traditionally neglected segments of the population, those most vulnerable to human trafficking.",
		map[string]string{
			filipino: "Nagtataguyod ng inklusibong paglago na nakatuon sa makabuluhang trabaho at kita para sa mga bahagi ng populasyong matagal nang napapabayaan, na siyang pinakabulnerable sa pangangalakal ng tao.",
		}),
	campaignText("vietnam-victim-protection", "NAME", "Victim protection and shelter pilots in Vietnam", map[string]string{
		vietnamese: "Bảo vệ nạn nhân và thí điểm nhà tạm lánh tại Việt Nam",
	}),
	campaignText("vietnam-victim-protection", "SUMMARY",
		"U.S.-funded research on victim protection and prosecution procedures, and pilot projects that have improved shelter conditions and services for victims.",
		map[string]string{
			vietnamese: "Các nghiên cứu do Hoa Kỳ tài trợ về quy trình bảo vệ nạn nhân và truy tố, cùng các dự án thí điểm đã cải thiện điều kiện nhà tạm lánh và dịch vụ dành cho nạn nhân.",
		}),
	campaignText("us-burma-joint-plan", "NAME", "U.S.–Burma joint plan to counter trafficking in persons", map[string]string{
		burmese: "လူကုန်ကူးမှု တိုက်ဖျက်ရေး အမေရိကန်–မြန်မာ ပူးတွဲလုပ်ငန်းစီမံချက်",
	}),
	campaignText("us-burma-joint-plan", "SUMMARY",
		"A joint plan of the Governments of the United States and Burma, announced in November 2012, with a formal, senior-level dialogue on trafficking in persons.",
		map[string]string{
			burmese: "၂၀၁၂ ခုနှစ် နိုဝင်ဘာလတွင် ကြေညာခဲ့သော အမေရိကန်ပြည်ထောင်စုအစိုးရနှင့် မြန်မာအစိုးရတို့၏ ပူးတွဲစီမံချက်ဖြစ်ပြီး လူကုန်ကူးမှုဆိုင်ရာ တရားဝင် အဆင့်မြင့် ဆွေးနွေးပွဲတစ်ရပ် ပါဝင်သည်။",
		}),

	// --- Events -------------------------------------------------------------------------
	eventText("asean-us-modern-slavery", "MEETING", "TITLE", "ASEAN–U.S. Leaders' Meeting", map[string]string{
		khmer:      "កិច្ចប្រជុំថ្នាក់ដឹកនាំអាស៊ាន–សហរដ្ឋអាមេរិក",
		indonesian: "Pertemuan Para Pemimpin ASEAN–AS",
		filipino:   "Pulong ng mga Pinuno ng ASEAN at Estados Unidos",
		thai:       "การประชุมผู้นำอาเซียน–สหรัฐอเมริกา",
		vietnamese: "Hội nghị các Nhà lãnh đạo ASEAN–Hoa Kỳ",
		burmese:    "အာဆီယံ–အမေရိကန် ခေါင်းဆောင်များ အစည်းအဝေး",
	}),
	eventText("asean-us-modern-slavery", "MEETING", "SUMMARY",
		"President Obama and the 10 ASEAN heads of state agreed to improve cooperative efforts to tackle modern slavery, including the forced labor and sex trafficking of women, men and children.",
		map[string]string{
			khmer:      "ប្រធានាធិបតីអូបាម៉ា និងប្រមុខរដ្ឋអាស៊ានទាំង១០ បានព្រមព្រៀងពង្រឹងកិច្ចខិតខំប្រឹងប្រែងរួមគ្នា ដើម្បីដោះស្រាយទាសភាពសម័យទំនើប រួមទាំងពលកម្មដោយបង្ខំ និងការជួញដូរផ្លូវភេទលើស្ត្រី បុរស និងកុមារ។",
			indonesian: "Presiden Obama dan 10 kepala negara ASEAN sepakat meningkatkan upaya bersama untuk menanggulangi perbudakan modern, termasuk kerja paksa serta perdagangan seks terhadap perempuan, laki-laki, dan anak-anak.",
			filipino:   "Nagkasundo si Pangulong Obama at ang 10 pinuno ng estado ng ASEAN na paigtingin ang sama-samang pagsisikap laban sa makabagong pang-aalipin, kabilang ang sapilitang paggawa at pangangalakal para sa sekswal na pagsasamantala ng kababaihan, kalalakihan at mga bata.",
			thai:       "ประธานาธิบดีโอบามาและประมุขแห่งรัฐของอาเซียนทั้ง 10 ประเทศตกลงที่จะเพิ่มพูนความร่วมมือในการแก้ไขปัญหาทาสยุคใหม่ รวมถึงการบังคับใช้แรงงานและการค้ามนุษย์เพื่อการแสวงประโยชน์ทางเพศ ทั้งผู้หญิง ผู้ชาย และเด็ก",
			vietnamese: "Tổng thống Obama và 10 nguyên thủ quốc gia ASEAN đã nhất trí tăng cường nỗ lực hợp tác nhằm giải quyết tình trạng nô lệ hiện đại, bao gồm lao động cưỡng bức và mua bán phụ nữ, nam giới và trẻ em vì mục đích tình dục.",
			burmese:    "သမ္မတ အိုဘားမားနှင့် အာဆီယံ နိုင်ငံ ၁၀ နိုင်ငံ၏ နိုင်ငံ့အကြီးအကဲများသည် အမျိုးသမီး၊ အမျိုးသားနှင့် ကလေးများအား အဓမ္မလုပ်အားပေးခိုင်းစေခြင်းနှင့် လိင်ပိုင်းဆိုင်ရာ လူကုန်ကူးခြင်း အပါအဝင် ခေတ်သစ်ကျွန်စနစ်ကို ဖြေရှင်းရန် ပူးပေါင်းကြိုးပမ်းမှုများ တိုးမြှင့်ရန် သဘောတူခဲ့ကြသည်။",
		}),
	eventText("mtv-exit-southeast-asia", "YOUTH_SESSION", "TITLE", "ASEAN–MTV EXIT Youth Session", map[string]string{
		khmer:      "វគ្គយុវជនអាស៊ាន–MTV EXIT",
		indonesian: "Sesi Pemuda ASEAN–MTV EXIT",
		filipino:   "Youth Session ng ASEAN at MTV EXIT",
		thai:       "การประชุมเยาวชนอาเซียน–MTV EXIT",
		vietnamese: "Phiên Thanh niên ASEAN–MTV EXIT",
		burmese:    "အာဆီယံ–MTV EXIT လူငယ်အစီအစဉ်",
	}),
	eventText("mtv-exit-southeast-asia", "YOUTH_SESSION", "SUMMARY",
		"ASEAN and MTV EXIT host a Youth Session to provide training in social media to combat trafficking in persons and to build regional networks that further enhance awareness.",
		map[string]string{
			khmer:      "អាស៊ាន និង MTV EXIT រៀបចំវគ្គយុវជនមួយ ដើម្បីផ្តល់ការបណ្តុះបណ្តាលអំពីបណ្តាញសង្គម ក្នុងការប្រយុទ្ធប្រឆាំងនឹងការជួញដូរមនុស្ស និងដើម្បីកសាងបណ្តាញក្នុងតំបន់ ដែលពង្រឹងការយល់ដឹងបន្ថែមទៀត។",
			indonesian: "ASEAN dan MTV EXIT menyelenggarakan Sesi Pemuda untuk memberikan pelatihan media sosial guna memerangi perdagangan orang dan membangun jaringan regional yang semakin meningkatkan kesadaran.",
			filipino:   "Nagdaraos ang ASEAN at MTV EXIT ng Youth Session upang magbigay ng pagsasanay sa social media laban sa pangangalakal ng tao at bumuo ng mga rehiyonal na network na lalo pang magpapalaganap ng kamalayan.",
			thai:       "อาเซียนและ MTV EXIT จัดการประชุมเยาวชนเพื่อฝึกอบรมการใช้สื่อสังคมออนไลน์ในการต่อต้านการค้ามนุษย์ และสร้างเครือข่ายระดับภูมิภาคที่ช่วยเสริมสร้างความตระหนักรู้ให้มากยิ่งขึ้น",
			vietnamese: "ASEAN và MTV EXIT tổ chức Phiên Thanh niên nhằm đào tạo về mạng xã hội để phòng chống mua bán người và xây dựng các mạng lưới khu vực nhằm nâng cao hơn nữa nhận thức.",
			burmese:    "အာဆီယံနှင့် MTV EXIT တို့သည် လူကုန်ကူးမှုကို တိုက်ဖျက်ရန် လူမှုကွန်ရက်မီဒီယာ သင်တန်းပေးရန်နှင့် အသိပညာပေးမှုကို ပိုမိုမြှင့်တင်မည့် ဒေသတွင်း ကွန်ရက်များ တည်ဆောက်ရန် လူငယ်အစီအစဉ်တစ်ခုကို ကျင်းပသည်။",
		}),
	eventText("mtv-exit-southeast-asia", "CONCERT", "TITLE", "MTV EXIT concert in People's Square, Rangoon", map[string]string{
		khmer:      "ការប្រគុំតន្ត្រី MTV EXIT នៅទីលានប្រជាជន ក្រុងយ៉ាំងហ្គោន",
		indonesian: "Konser MTV EXIT di People's Square, Yangon",
		filipino:   "Konsiyerto ng MTV EXIT sa People's Square, Yangon",
		thai:       "คอนเสิร์ต MTV EXIT ที่จัตุรัสประชาชน นครย่างกุ้ง",
		vietnamese: "Hòa nhạc MTV EXIT tại Quảng trường Nhân dân, Yangon",
		burmese:    "ရန်ကုန်မြို့ ပြည်သူ့ရင်ပြင်ရှိ MTV EXIT ဂီတဖျော်ဖြေပွဲ",
	}),
	eventText("mtv-exit-southeast-asia", "CONCERT", "SUMMARY", "A public concert in Rangoon's People's Square opens MTV EXIT in Burma.", map[string]string{
		khmer:      "ការប្រគុំតន្ត្រីសាធារណៈមួយ នៅទីលានប្រជាជន ក្រុងយ៉ាំងហ្គោន បើកដំណើរការ MTV EXIT នៅមីយ៉ាន់ម៉ា។",
		indonesian: "Sebuah konser publik di People's Square, Yangon, membuka MTV EXIT di Myanmar.",
		filipino:   "Isang pampublikong konsiyerto sa People's Square ng Yangon ang nagbubukas sa MTV EXIT sa Myanmar.",
		thai:       "คอนเสิร์ตสาธารณะที่จัตุรัสประชาชนในนครย่างกุ้ง เปิดตัว MTV EXIT ในเมียนมา",
		vietnamese: "Một buổi hòa nhạc công cộng tại Quảng trường Nhân dân ở Yangon mở đầu chiến dịch MTV EXIT tại Myanmar.",
		burmese:    "ရန်ကုန်မြို့ ပြည်သူ့ရင်ပြင်ရှိ အများပြည်သူ ဂီတဖျော်ဖြေပွဲဖြင့် မြန်မာနိုင်ငံတွင် MTV EXIT ကို စတင်သည်။",
	}),

	// --- Youth network ------------------------------------------------------------------
	networkText("asean-mtv-exit-youth-network", "NAME", "ASEAN–MTV EXIT regional youth network", map[string]string{
		khmer:      "បណ្តាញយុវជនក្នុងតំបន់ អាស៊ាន–MTV EXIT",
		indonesian: "Jaringan pemuda regional ASEAN–MTV EXIT",
		filipino:   "Rehiyonal na network ng kabataan ng ASEAN at MTV EXIT",
		thai:       "เครือข่ายเยาวชนระดับภูมิภาคอาเซียน–MTV EXIT",
		vietnamese: "Mạng lưới thanh niên khu vực ASEAN–MTV EXIT",
		burmese:    "အာဆီယံ–MTV EXIT ဒေသတွင်း လူငယ်ကွန်ရက်",
	}),
	networkText("asean-mtv-exit-youth-network", "DESCRIPTION",
		"The regional network of young people that the ASEAN–MTV EXIT Youth Session builds, trained in social media to combat trafficking in persons and to further enhance awareness.",
		map[string]string{
			khmer:      "បណ្តាញយុវជនក្នុងតំបន់ ដែលវគ្គយុវជនអាស៊ាន–MTV EXIT កសាងឡើង ដោយបណ្តុះបណ្តាលពួកគេអំពីបណ្តាញសង្គម ដើម្បីប្រយុទ្ធប្រឆាំងនឹងការជួញដូរមនុស្ស និងពង្រឹងការយល់ដឹងបន្ថែមទៀត។",
			indonesian: "Jaringan regional kaum muda yang dibangun oleh Sesi Pemuda ASEAN–MTV EXIT, dilatih menggunakan media sosial untuk memerangi perdagangan orang dan semakin meningkatkan kesadaran.",
			filipino:   "Ang rehiyonal na network ng mga kabataang binubuo ng Youth Session ng ASEAN at MTV EXIT, na sinanay sa social media upang labanan ang pangangalakal ng tao at lalo pang palaganapin ang kamalayan.",
			thai:       "เครือข่ายเยาวชนระดับภูมิภาคที่การประชุมเยาวชนอาเซียน–MTV EXIT สร้างขึ้น โดยฝึกอบรมการใช้สื่อสังคมออนไลน์เพื่อต่อต้านการค้ามนุษย์และเสริมสร้างความตระหนักรู้ให้มากยิ่งขึ้น",
			vietnamese: "Mạng lưới khu vực gồm những người trẻ do Phiên Thanh niên ASEAN–MTV EXIT xây dựng, được đào tạo về mạng xã hội để phòng chống mua bán người và nâng cao hơn nữa nhận thức.",
			burmese:    "အာဆီယံ–MTV EXIT လူငယ်အစီအစဉ်က တည်ဆောက်သော ဒေသတွင်း လူငယ်ကွန်ရက်ဖြစ်ပြီး လူကုန်ကူးမှုကို တိုက်ဖျက်ရန်နှင့် အသိပညာပေးမှုကို ပိုမိုမြှင့်တင်ရန် လူမှုကွန်ရက်မီဒီယာ သင်တန်းများ ပေးထားသည်။",
		}),

	// --- Indicators ---------------------------------------------------------------------
	indicatorText("mtv-exit-southeast-asia", "major-concerts", "Major concert events produced", map[string]string{
		khmer:      "ព្រឹត្តិការណ៍ប្រគុំតន្ត្រីធំៗ ដែលបានផលិត",
		indonesian: "Konser besar yang diproduksi",
		filipino:   "Malalaking konsiyertong naisagawa",
		thai:       "คอนเสิร์ตใหญ่ที่จัดขึ้น",
		vietnamese: "Các buổi hòa nhạc lớn đã thực hiện",
		burmese:    "ထုတ်လုပ်ခဲ့သော အဓိက ဂီတဖျော်ဖြေပွဲများ",
	}),
	indicatorText("mtv-exit-southeast-asia", "tv-online-programmes", "Television and online programmes produced", map[string]string{
		khmer:      "កម្មវិធីទូរទស្សន៍ និងអនឡាញ ដែលបានផលិត",
		indonesian: "Program televisi dan daring yang diproduksi",
		filipino:   "Mga programang pantelebisyon at online na nagawa",
		thai:       "รายการโทรทัศน์และรายการออนไลน์ที่ผลิต",
		vietnamese: "Các chương trình truyền hình và trực tuyến đã sản xuất",
		burmese:    "ထုတ်လုပ်ခဲ့သော ရုပ်မြင်သံကြားနှင့် အွန်လိုင်း အစီအစဉ်များ",
	}),
	indicatorText("mtv-exit-southeast-asia", "outreach-activities", "Outreach activities", map[string]string{
		khmer:      "សកម្មភាពផ្សព្វផ្សាយ",
		indonesian: "Kegiatan penjangkauan",
		filipino:   "Mga gawaing outreach",
		thai:       "กิจกรรมเข้าถึงชุมชน",
		vietnamese: "Các hoạt động tiếp cận cộng đồng",
		burmese:    "ကွင်းဆင်း အသိပညာပေး လှုပ်ရှားမှုများ",
	}),
	indicatorText("mtv-exit-southeast-asia", "youth-engaged", "Regional youth engaged", map[string]string{
		khmer:      "យុវជនក្នុងតំបន់ ដែលបានចូលរួម",
		indonesian: "Kaum muda di kawasan yang dilibatkan",
		filipino:   "Mga kabataan sa rehiyon na nakibahagi",
		thai:       "เยาวชนในภูมิภาคที่มีส่วนร่วม",
		vietnamese: "Thanh niên trong khu vực đã tham gia",
		burmese:    "ပါဝင်ခဲ့သော ဒေသတွင်း လူငယ်များ",
	}),
}

// record is a translatable record as the translations need it.
type record struct {
	id       int64
	version  *int32
	language string
}

// loadTranslations finds each text's record by its natural key and adds its translations,
// each marked as the seed's and as a translation of the English it was made from: where a
// partner has changed the original since, the translation shows as stale. A record that is
// gone is skipped, and a translation a record already has is kept.
func loadTranslations(w *store.Writer) error {
	var out []models.Translation
	for _, t := range texts {
		rec, err := findRecord(w, t)
		if err != nil {
			return err
		}
		if rec == nil {
			continue
		}
		for _, language := range regional {
			s, ok := t.tr[language]
			if !ok || language == rec.language {
				continue
			}
			out = append(out, models.Translation{EntityType: t.kind, EntityID: rec.id, Field: t.field, Language: language,
				Text: s, SourceMD5: models.TextDigest(t.en), SourceVersion: rec.version, Version: 1, Origin: models.TranslationForSeed})
		}
	}
	return w.AddTranslations(out)
}

// findRecord finds the record a text belongs to, or nil when it is gone.
func findRecord(w *store.Writer, t text) (*record, error) {
	switch t.kind {
	case store.TranslateNetwork:
		n, err := w.NetworkBySlug(t.network)
		if n == nil || err != nil {
			return nil, err
		}
		return &record{id: n.ID, version: &n.Version, language: n.OriginalLanguage}, nil
	}
	c, err := w.CampaignBySlug(t.campaign)
	if c == nil || err != nil {
		return nil, err
	}
	switch t.kind {
	case store.TranslateCampaign:
		return &record{id: c.ID, version: &c.Version, language: c.OriginalLanguage}, nil
	case store.TranslateEvent:
		e, err := w.SeededEvent(c.ID, t.event, FactSheet)
		if e == nil || err != nil {
			return nil, err
		}
		return &record{id: e.ID, version: &e.Version, language: e.OriginalLanguage}, nil
	case store.TranslateIndicator:
		i, err := w.IndicatorByCode(c.ID, t.code)
		if i == nil || err != nil {
			return nil, err
		}
		return &record{id: i.ID, language: i.OriginalLanguage}, nil
	}
	return nil, fmt.Errorf("seed: a text of unknown kind %q", t.kind)
}
