//! A synthetic catalogue of digitised relics with realistic Vietnamese and English text, made
//! from a fixed seed so every run indexes the same documents.

use disan_search::SearchDoc;
use disan_types::{HitKind, Localized};

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// (Vietnamese, English) pairs.
type Pair = (&'static str, &'static str);

const OBJECTS: &[Pair] = &[
    ("Mũ sắt", "Steel helmet"),
    ("Súng trường", "Rifle"),
    ("Bát gốm", "Ceramic bowl"),
    ("Trống đồng", "Bronze drum"),
    ("Khăn piêu", "Piêu headscarf"),
    ("Áo cóm", "Cóm blouse"),
    ("Vòng bạc", "Silver bracelet"),
    ("Xe đạp thồ", "Pack bicycle"),
    ("Bản đồ tác chiến", "Battle map"),
    ("Thư gửi gia đình", "Letter home"),
    ("Ống nhòm", "Binoculars"),
    ("Bi đông", "Water canteen"),
    ("Dao găm", "Dagger"),
    ("Chiêng đồng", "Bronze gong"),
    ("Ché rượu", "Rice-wine jar"),
    ("Gùi mây", "Rattan back basket"),
    ("Khèn bè", "Reed mouth organ"),
    ("Ảnh tư liệu", "Archive photograph"),
    ("Huân chương", "Medal"),
    ("Lá cờ", "Flag"),
    ("Điện đài", "Radio set"),
    ("Cuốc chim", "Pickaxe"),
    ("Xẻng công binh", "Entrenching shovel"),
    ("Nồi đồng", "Bronze pot"),
    ("Bia đá", "Stone stele"),
    ("Tượng Phật", "Buddha statue"),
    ("Đèn dầu", "Oil lamp"),
    ("Nỏ", "Crossbow"),
    ("Tù và", "Horn trumpet"),
    ("Sách chữ Thái cổ", "Book in old Thai script"),
    ("Váy thổ cẩm", "Brocade skirt"),
    ("Khung cửi", "Loom"),
    ("Mâm đồng", "Bronze tray"),
    ("Quả lựu đạn", "Hand grenade"),
    ("Vỏ đạn pháo", "Shell casing"),
    ("Dù tiếp tế", "Supply parachute"),
    ("Ấm tích", "Teapot"),
    ("Chum sành", "Stoneware jar"),
    ("Hòm gỗ", "Wooden chest"),
    ("Cột mốc", "Boundary marker"),
];

const MATERIALS: &[Pair] = &[
    ("bằng sắt", "iron"),
    ("bằng đồng", "bronze"),
    ("bằng gỗ", "wooden"),
    ("bằng bạc", "silver"),
    ("bằng gốm men nâu", "brown-glazed ceramic"),
    ("bằng vải thổ cẩm", "brocade"),
    ("bằng giấy dó", "dó paper"),
    ("bằng tre", "bamboo"),
    ("bằng đá", "stone"),
    ("bằng mây", "rattan"),
];

const PEOPLES: &[Pair] = &[
    ("người Thái đen", "Black Thai"),
    ("người Thái trắng", "White Thai"),
    ("người Mông", "Hmong"),
    ("người Khơ Mú", "Khmu"),
    ("người Dao", "Dao"),
    ("người Hà Nhì", "Hani"),
    ("người Lào", "Lao"),
    ("người Kinh", "Kinh"),
    ("người Cống", "Cống"),
    ("người Si La", "Si La"),
    ("người Lự", "Lự"),
];

const PLACES: &[&str] = &[
    "Mường Phăng",
    "Thanh Xương",
    "Thanh Nưa",
    "Mường Nhé",
    "Tuần Giáo",
    "Tủa Chùa",
    "Điện Biên Đông",
    "Mường Chà",
    "Nậm Pồ",
    "Mường Ảng",
    "Na Sang",
    "Mường Luân",
    "Sam Mứn",
    "Noong Hẹt",
    "Pá Khoang",
    "Him Lam",
    "Mường Thanh",
    "Tà Lèng",
    "Nà Tấu",
    "Sín Thầu",
];

const FAMILY: &[&str] = &[
    "Nguyễn", "Lò", "Quàng", "Lường", "Cà", "Giàng", "Vừ", "Sùng", "Lý", "Trần", "Phạm", "Hoàng",
    "Lê", "Tòng", "Điêu", "Bạc", "Lù", "Mùa",
];
const MIDDLE: &[&str] = &["Văn", "Thị", "A", "Đức", "Minh", "Thanh"];
const GIVEN: &[&str] = &[
    "Hùng", "Pọm", "Xuân", "Páo", "Chứ", "Dính", "Lả", "Mai", "Sơn", "Hoa", "Tiến", "Khăm", "Ngân",
    "Thắng", "Bình", "Lan", "Chiến", "Dũng", "Phương", "Sinh", "Tòng", "Vàng",
];

const STATES: &[Pair] = &[
    ("còn nguyên vẹn", "It is intact"),
    ("bị hư hại một phần", "It is partly damaged"),
    ("đã được phục chế năm 2019", "It was restored in 2019"),
    ("bị gỉ sét nặng", "It is badly rusted"),
    ("còn rõ hoa văn", "Its patterns are still clear"),
];

const PERIODS: &[Pair] = &[
    (
        "trong chiến dịch Điện Biên Phủ năm 1954",
        "during the Điện Biên Phủ campaign of 1954",
    ),
    (
        "thời kháng chiến chống Pháp",
        "during the resistance against the French",
    ),
    ("vào thế kỷ XVIII", "in the 18th century"),
    ("đầu thế kỷ XX", "in the early 20th century"),
    ("vào thế kỷ XVI", "in the 16th century"),
    ("những năm 1960", "in the 1960s"),
];

fn name(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    )
}

/// `n` relics, each attached to one of `sites` (the site documents of the real catalogue).
pub fn relics(n: usize, sites: &[SearchDoc], seed: u64) -> Vec<SearchDoc> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let site = rng.pick(sites);
            let (obj_vi, obj_en) = *rng.pick(OBJECTS);
            let (mat_vi, mat_en) = *rng.pick(MATERIALS);
            let (ppl_vi, ppl_en) = *rng.pick(PEOPLES);
            let (per_vi, per_en) = *rng.pick(PERIODS);
            let (st_vi, st_en) = *rng.pick(STATES);
            let place = rng.pick(PLACES);
            let donor = name(&mut rng);
            let year = 1990 + rng.below(35);
            let inventory = format!("ĐB-{}-{:05}", 1954 + rng.below(70), i);
            let title = Localized {
                vi: format!("{obj_vi} {mat_vi} của {ppl_vi}"),
                en: format!("{ppl_en} {mat_en} {}", obj_en.to_lowercase()),
            };
            let text = Localized {
                vi: format!(
                    "{obj_vi} {mat_vi} của {ppl_vi} ở {place}, được dùng {per_vi}. Hiện vật {st_vi}. \
                     Ông (bà) {donor} hiến tặng năm {year}; số hiệu {inventory}, số hoá 3D và lưu tại {}.",
                    site.title.vi
                ),
                en: format!(
                    "{ppl_en} {} made of {mat_en} from {place}, used {per_en}. {st_en}. \
                     Donated by {donor} in {year}; inventory number {inventory}, digitised in 3D and kept at {}.",
                    obj_en.to_lowercase(),
                    site.title.en
                ),
            };
            SearchDoc {
                kind: HitKind::Relic,
                id: format!("R{i:06}"),
                title,
                texts: vec![text],
                keywords: vec![inventory],
                url: format!("{}#relic=R{i:06}", site.url),
                ..site.clone()
            }
        })
        .collect()
}

/// Queries a curator or a visitor would type about relics: names, peoples, materials, places,
/// partly typed, without diacritics, in English, with typos.
pub const RELIC_QUERIES: &[&str] = &[
    "trong dong",
    "trống đồng",
    "khan pieu",
    "mu sat 1954",
    "bronze drum",
    "silver bracelet hmong",
    "lo van",
    "binoculars",
    "binocluars",
    "gui may",
    "brnoze gong",
    "trong d",
    "khen",
    "thai den",
    "black thai brocade",
    "dù tiếp tế",
    "supply parachute",
    "muong phang",
    "ban do tac chien",
    "radio set",
    "xe dap tho",
    "pack bicycle",
    "che ruou",
    "sach chu thai",
    "giang a pao",
];
