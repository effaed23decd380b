// The page's words in Vietnamese and English, and the language chosen: remembered, else the
// browser's first choice among ours, else Vietnamese.
export const TEXT = {
  vi: { tagline: "Di sản Điện Biên trong không gian 3D", sites: "Các điểm di tích", tour2d: "Xem bản 2D", choose: "Chọn một điểm di tích để xem mô hình 3D.",
        loadingViewer: "Đang tải trình xem 3D…", noWebgl: "Trình duyệt này không hiển thị được 3D (WebGL2). Danh sách di tích vẫn dùng được.",
        failed: "Không tải được trình xem 3D. Hãy tải lại trang.", toggle: "EN", toggleLabel: "English", map: "Bản đồ", nextSites: "Đi tiếp:", retry: "Thử lại", reset: "Nhìn toàn cảnh", share: "Chia sẻ", lightOnly: "Bản nhẹ (tiết kiệm dữ liệu)", highDetail: "Chi tiết cao", copied: "Đã chép liên kết.", hotspots: "Điểm nổi bật", close: "Đóng", goTo: (name) => `Đến ${name} →`, tour: "Tham quan có hướng dẫn", prev: "← Trước", next: "Tiếp →", play: "Tự động",
        searchLabel: "Tìm kiếm di tích", searchPlaceholder: "Tìm: hồ, đồi A1, bảo tàng…", searchResults: "Kết quả tìm kiếm",
        noResults: (q) => `Không tìm thấy kết quả cho “${q}”.`, results: (n) => `${n} kết quả.`, searchFailed: "Không tìm được lúc này. Hãy thử lại.",
        kind: { site: "Di tích", stop: "Điểm dừng", hotspot: "Điểm nổi bật", relic: "Hiện vật" },
        relicType: "Loại", relicPeriod: "Niên đại", relicMaterial: "Chất liệu", relicSize: "Kích thước", relicId: "Số hiệu", relicCredits: "Số hóa", relicLicence: "Giấy phép", relics: "Hiện vật:", relicPoster: (name) => `Ảnh mô hình 3D: ${name}`, relicPhoto: (name) => `Ảnh chụp: ${name}` },
  en: { tagline: "Điện Biên's heritage in 3D", sites: "Sites", tour2d: "2D tour", choose: "Choose a site to see its 3D model.",
        loadingViewer: "Loading the 3D viewer…", noWebgl: "This browser cannot show 3D (WebGL2). The list of sites still works.",
        failed: "The 3D viewer could not be loaded. Please reload the page.", toggle: "VI", toggleLabel: "Tiếng Việt", map: "Map", nextSites: "Next:", retry: "Try again", reset: "Whole view", share: "Share", lightOnly: "Light model (saves data)", highDetail: "High detail", copied: "Link copied.", hotspots: "Points of interest", close: "Close", goTo: (name) => `Go to ${name} →`, tour: "Guided tour", prev: "← Previous", next: "Next →", play: "Autoplay",
        searchLabel: "Search the sites", searchPlaceholder: "Search: lake, Hill A1, museum…", searchResults: "Search results",
        noResults: (q) => `Nothing found for “${q}”.`, results: (n) => `${n} results.`, searchFailed: "Search is not available right now. Please try again.",
        kind: { site: "Site", stop: "Tour stop", hotspot: "Point of interest", relic: "Relic" },
        relicType: "Type", relicPeriod: "Period", relicMaterial: "Material", relicSize: "Dimensions", relicId: "Identifier", relicCredits: "Digitised by", relicLicence: "Licence", relics: "Relics:", relicPoster: (name) => `The 3D model: ${name}`, relicPhoto: (name) => `Photo: ${name}` },
};
const pick = () => {
  const saved = localStorage.getItem("disan-lang");
  if (saved === "vi" || saved === "en") return saved;
  return (navigator.languages || [navigator.language || "vi"]).some((l) => l.toLowerCase().startsWith("vi")) ? "vi"
    : ((navigator.language || "").toLowerCase().startsWith("en") ? "en" : "vi");
};
let current = pick();
/** The language of the page now: "vi" or "en". */
export const lang = () => current;
/** The words of the page in its language. */
export const t = () => TEXT[current];
/** The user's choice, remembered for the next visit. */
export function toggleLang() {
  current = current === "vi" ? "en" : "vi";
  localStorage.setItem("disan-lang", current);
}
