/// Small files with real format signatures, so libmagic classifies them as the real thing.
public enum Fixtures {
    public static let pdf: [UInt8] = Array("""
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
        trailer << /Root 1 0 R >>
        %%EOF

        """.utf8)

    public static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
        0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
        0x42, 0x60, 0x82,
    ]

    public static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        + [UInt8](repeating: 0x11, count: 200) + [0xFF, 0xD9]

    public static let html: [UInt8] = Array("<!DOCTYPE html>\n<html><head><title>Note</title></head><body><p>Invoice attached.</p></body></html>\n".utf8)

    public static let email: [UInt8] = Array("""
        From: "Ivanov" <ivanov@example.com>\r
        To: <sales@example.org>\r
        Subject: Contract\r
        Date: Tue, 4 Mar 2014 10:00:00 +0300\r
        Message-ID: <1@example.com>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset="utf-8"\r
        \r
        Please find the contract attached.\r

        """.utf8)

    public static func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Deterministic pseudo-random bytes (SplitMix64), for content of a given size.
    public static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            let z = random.next()
            withUnsafeBytes(of: z) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }
}
