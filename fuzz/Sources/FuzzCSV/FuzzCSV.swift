import AttacheRecords
import Glibc
import FuzzSupport

/// The CSV tokenizer and pre-scan (in memory, against CSV.swift), then the CSV record source on
/// the same bytes as a file: every problem a finding, never a crash.
@_cdecl("FuzzCSV_main")
public func FuzzCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCSV)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzReader(fuzzInput(data, size))
    let delimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
    let delimiter = delimiters[Int(input.byte()) % delimiters.count]
    let split = input.int(max: 1 << 16)
    let bytes = Array(input.bytes[min(input.at, input.bytes.count)...])
    CSVFuzzing.check(bytes, delimiter: delimiter, split: split)
    readAsSource(bytes, delimiter: delimiter)
    return 0
}

private let file = "/dev/shm/attache-fuzz-csv-\(getpid()).csv"

private func readAsSource(_ bytes: [UInt8], delimiter: UInt8) {
    let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fatalError("fuzz: cannot write \(file)") }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    let scalar = Character(Unicode.Scalar(delimiter))
    for encoding in [nil, "windows-1252"] as [String?] {
        guard let plain = try? CSVRecordSource(name: "fuzz", file: file, key: [], deleted: nil, modified: nil,
                                               delimiter: scalar, encoding: encoding) else { continue }
        var sources = [plain]
        // With roles: the first column the key, the last the deleted flag, the middle one the modification date.
        let c = plain.columns
        if c.count > 1, let roles = try? CSVRecordSource(name: "fuzz", file: file, key: [c[0]], deleted: c[c.count - 1],
                                                         modified: c.count > 2 ? c[1] : nil, delimiter: scalar, encoding: encoding) {
            sources.append(roles)
        }
        for source in sources {
            try? source.forEachRecord({ record in
                require(record.fields.count <= source.columns.count, "a record with more fields than the header has columns")
            }, problem: { _ in })
        }
    }
}
