import AttacheModel

extension PathGrammar {
    /// HTML character references: `&name;`, `&#NNN;`, `&#xHH;`. The trailing `;` is required
    /// (so `AT&T` or `R&D` in plain text stay as written); unknown names stay as written.
    enum Entities {
        /// Decodes the reference starting at `p[i]` (an `&`): the scalar and the reference's length.
        static func decode(_ p: Buffer, _ i: Int, _ end: Int) -> (UInt32, Int)? {
            var j = i + 1
            guard j < end else { return nil }
            if p[j] == Bytes.hash {
                j += 1
                var value: UInt32 = 0
                var digits = 0
                if j < end && (p[j] | 0x20) == 0x78 {  // x
                    j += 1
                    while j < end, digits < 7, let h = Bytes.hexValue(p[j]) {
                        value = value << 4 | UInt32(h)
                        digits += 1
                        j += 1
                    }
                } else {
                    while j < end, digits < 8, Bytes.isDigit(p[j]) {
                        value = value * 10 + UInt32(p[j] - 0x30)
                        digits += 1
                        j += 1
                    }
                }
                guard digits > 0, j < end, p[j] == Bytes.semicolon else { return nil }
                if value >= 0x80 && value <= 0x9F, let mapped = windows1252[Int(value - 0x80)] {
                    value = mapped  // what HTML parsers do: `&#150;` is an en dash
                }
                guard value != 0, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return nil }
                return (value, j + 1 - i)
            }
            let nameStart = j
            while j < end && j - nameStart < 9 && Bytes.isAlnum(p[j]) { j += 1 }
            guard j > nameStart, j < end, p[j] == Bytes.semicolon else { return nil }
            guard let value = named[Bytes.string(p, nameStart, j)] else { return nil }
            return (value, j + 1 - i)
        }

        /// U+0080–U+009F as Windows-1252 (nil: left as is).
        static let windows1252: [UInt32?] = [
            0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
            nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
        ]

        /// The named references seen in CRM notes and mail bodies: markup, quotes and dashes,
        /// all of Latin-1, and a few typographic ones.
        static let named: [String: UInt32] = {
            var table: [String: UInt32] = [
                "amp": 0x26, "AMP": 0x26, "lt": 0x3C, "LT": 0x3C, "gt": 0x3E, "GT": 0x3E,
                "quot": 0x22, "QUOT": 0x22, "apos": 0x27,
                "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D,
                "bdquo": 0x201E, "lsaquo": 0x2039, "rsaquo": 0x203A, "ndash": 0x2013, "mdash": 0x2014,
                "hellip": 0x2026, "bull": 0x2022, "dagger": 0x2020, "Dagger": 0x2021, "permil": 0x2030,
                "prime": 0x2032, "Prime": 0x2033, "euro": 0x20AC, "trade": 0x2122, "numero": 0x2116,
                "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D,
                "lrm": 0x200E, "rlm": 0x200F, "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160,
                "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC,
                "Zcaron": 0x17D, "zcaron": 0x17E, "larr": 0x2190, "rarr": 0x2192,
                "Tab": 0x09, "NewLine": 0x0A, "nbsp": 0xA0, "colon": 0x3A, "comma": 0x2C, "period": 0x2E,
                "sol": 0x2F, "bsol": 0x5C, "num": 0x23, "lpar": 0x28, "rpar": 0x29, "excl": 0x21,
                "quest": 0x3F, "semi": 0x3B, "equals": 0x3D, "percnt": 0x25, "plus": 0x2B,
                "lowbar": 0x5F, "dollar": 0x24, "commat": 0x40, "lsqb": 0x5B, "rsqb": 0x5D,
            ]
            let latin1 = """
                nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr \
                deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest \
                Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml \
                ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig \
                agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml \
                eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
                """
            for (offset, name) in latin1.split(separator: " ").enumerated() {
                table[String(name)] = 0xA0 + UInt32(offset)
            }
            return table
        }()
    }
}
