/// The content types attache decides from a file's first bytes without libmagic, for the
/// formats that make up most CRM attachments and whose signature libmagic itself reads in one
/// rule with nothing stronger to override it: PDF, PNG, JPEG and GIF. Each answer is the MIME
/// type libmagic gives the same bytes (`MagicClassifier` asks libmagic for everything else).
///
/// Agreement is proved, not assumed: `KnownSignatureTests` and `bench/magic_agreement.sh`
/// scan the same trees with and without this path (`ATTACHE_MAGIC_ONLY=1`) and compare every
/// file's type. Formats where libmagic looks further — TIFF (camera raw files share its
/// header), BMP (libmagic checks the header's fields), ZIP and OLE2 containers (their kind is
/// inside), text and markup — are left to libmagic.
public enum KnownSignatures {
    /// The MIME type when the sample starts with a signature this path decides, else nil.
    public static func mimeType(_ s: UnsafeRawBufferPointer) -> String? {
        let n = s.count
        guard n >= 4 else { return nil }
        switch s[0] {
        case 0x25:  // %PDF-: libmagic's "PDF document" rule, at offset 0
            if n >= 5 && s[1] == 0x50 && s[2] == 0x44 && s[3] == 0x46 && s[4] == 0x2D { return "application/pdf" }
        case 0x89:  // \x89PNG\r\n\x1a\n
            if n >= 8 && s[1] == 0x50 && s[2] == 0x4E && s[3] == 0x47 && s[4] == 0x0D && s[5] == 0x0A && s[6] == 0x1A && s[7] == 0x0A {
                return "image/png"
            }
        case 0xFF:  // JPEG: SOI then a marker (FF D8 FF)
            if s[1] == 0xD8 && s[2] == 0xFF { return "image/jpeg" }
        case 0x47:  // GIF87a, GIF89a
            if n >= 6 && s[1] == 0x49 && s[2] == 0x46 && s[3] == 0x38 && (s[4] == 0x37 || s[4] == 0x39) && s[5] == 0x61 {
                return "image/gif"
            }
        default:
            break
        }
        return nil
    }
}
