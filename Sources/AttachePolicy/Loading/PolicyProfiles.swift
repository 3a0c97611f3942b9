import AttacheModel

/// The target profiles a policy can start from (`target: {profile: sharepoint-online}`).
/// A profile fills every limit; keys written next to it override one limit each.
public enum PolicyProfiles {
    /// The profile names, in the order the documentation lists them.
    public static let names = ["sharepoint-online", "onedrive", "s3", "local"]

    /// The limits a profile stands for, or nil for an unknown name.
    ///
    /// - `sharepoint-online`: ``TargetLimits/sharePointOnline`` — 400-character paths, 255 per
    ///   name, `" * : < > ? / \ |` forbidden, CON/PRN/AUX/NUL/COM1–9/LPT1–9 reserved, `~$*`
    ///   and `*.lock` names refused, 250 GB per file, names compared without case.
    /// - `onedrive`: the same limits (OneDrive for Business is SharePoint underneath).
    /// - `s3`: no name rules, 5 TB per file, names compared with case.
    /// - `local`: a local or mounted disk: no limits at all.
    ///
    /// No profile sets a quota: that is the customer's contract, not the product's.
    public static func limits(for name: String) -> TargetLimits? {
        switch name {
        case "sharepoint-online":
            return TargetLimits.sharePointOnline
        case "onedrive":
            var limits = TargetLimits.sharePointOnline
            limits.profile = "onedrive"
            return limits
        case "s3":
            return TargetLimits(profile: "s3", maxFileSize: ByteCount(Int64(5_000_000_000_000)))
        case "local":
            return TargetLimits(profile: "local")
        default:
            return nil
        }
    }
}
