import AttacheModel
#if canImport(Glibc)
import Glibc
#endif

/// User and group names by id from the system's databases (getpwuid_r / getgrgid_r, so
/// /etc/passwd, LDAP or winbind alike), each id looked up once: a listing of a million files
/// owned by a dozen users asks a dozen times. An id the system does not know has no name.
public final class OwnerNames: OwnerNaming {
    private var users: [UInt32: String?] = [:]
    private var groups: [UInt32: String?] = [:]

    public init() {}

    public func user(_ uid: UInt32) -> String? {
        if let known = users[uid] { return known }
        let name = Self.lookup { buf, len, found in
            var pw = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let rc = getpwuid_r(uid_t(uid), &pw, buf, len, &result)
            found = result != nil ? String(cString: pw.pw_name) : nil
            return rc
        }
        users[uid] = name
        return name
    }

    public func group(_ gid: UInt32) -> String? {
        if let known = groups[gid] { return known }
        let name = Self.lookup { buf, len, found in
            var gr = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>?
            let rc = getgrgid_r(gid_t(gid), &gr, buf, len, &result)
            found = result != nil ? String(cString: gr.gr_name) : nil
            return rc
        }
        groups[gid] = name
        return name
    }

    /// Runs a `get*_r` call with a growing buffer (ERANGE means: too small).
    private static func lookup(_ call: (UnsafeMutablePointer<CChar>, Int, inout String?) -> Int32) -> String? {
        var size = 1024
        while size <= 1 << 20 {
            var found: String?
            let rc = [CChar](repeating: 0, count: size).withUnsafeBufferPointer { b -> Int32 in
                call(UnsafeMutablePointer(mutating: b.baseAddress!), size, &found)
            }
            if rc == ERANGE { size *= 4; continue }
            return rc == 0 ? found : nil
        }
        return nil
    }
}
