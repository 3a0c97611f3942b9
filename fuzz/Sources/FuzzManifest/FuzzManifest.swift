import AttacheConfig
import FuzzSupport

/// The manifest loader on any text: a Manifest or a located ManifestError, never a crash.
@_cdecl("FuzzManifest_main")
public func FuzzManifestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzManifest)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    do {
        _ = try ManifestLoader.parse(yaml: text, file: "/fuzz/attache.yaml")
    } catch {
        require(!String(describing: error).isEmpty, "an error without a message")
    }
    return 0
}
