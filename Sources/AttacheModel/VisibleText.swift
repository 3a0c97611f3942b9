/// Text shown to a person on a terminal with the control characters a terminal would act on
/// written out instead: a file name holding ESC (`\x1B[2J`), a carriage return or a C1 control
/// could otherwise clear, redraw or recolour the screen of whoever reads attache's messages.
public enum VisibleText {
    /// `s` with every C0 control but newline and tab, DEL and every C1 control written as
    /// `\xNN` (the escape ``RawPath/display`` uses for bytes that are not UTF-8).
    public static func escapingControls(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isControl(u) {
                let hex = String(u.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\x" + (hex.count < 2 ? "0" + hex : hex)).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    static func isControl(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\n" && u != "\t") || (0x7F...0x9F).contains(u.value)
    }
}
