/// Names for numeric owners: user and group names by id. The system's implementation
/// (AttacheSystem's `OwnerNames`, through getpwuid_r/getgrgid_r) is passed in by the command,
/// so formatters stay free of I/O and tests can give fixed names.
public protocol OwnerNaming {
    /// The user name of `uid`, nil when the system knows none.
    func user(_ uid: UInt32) -> String?
    /// The group name of `gid`, nil when the system knows none.
    func group(_ gid: UInt32) -> String?
}
