import AttacheModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads that list folders ahead of the walk, so the system calls of a large tree (open,
/// getdents, lstat of every name) run on several cores while the walk replays the listings
/// in its own order — the visitor sees exactly what a walk on one thread sees.
///
/// Every folder is a ``FolderTask`` claimed once: by a scout, or by the walk itself when it
/// reaches a folder no scout has started (so the walk never waits for a queue). Scouts take
/// the most recently found folder first (a stack), which is the walk's next one in a
/// depth-first order. They stop listing when ``maxAhead`` listings wait unread, which bounds
/// memory and open descriptors on any tree.
final class WalkScouts: @unchecked Sendable {
    private let walker: Walker
    private let condition = NSCondition()
    private var stack: [FolderTask] = []
    /// Listings done and not yet taken by the walk.
    private var ahead = 0
    private var stopping = false
    private var running = 0
    let maxAhead: Int

    init(walker: Walker, threads: Int, maxAhead: Int = 256) {
        self.walker = walker
        self.maxAhead = maxAhead
        running = threads
        for i in 0..<threads {
            let t = Thread { [self] in self.work() }
            t.name = "attache-walk-\(i)"
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// Lists `task` now on the calling thread, or waits for the scout listing it, or takes
    /// the listing a scout made; offers the folder's sub-folders to the scouts.
    func take(_ task: FolderTask) -> FolderListing {
        condition.lock()
        while true {
            switch task.state {
            case .pending:
                task.state = .running
                condition.unlock()
                let listing = walker.list(task)
                condition.lock()
                task.state = .abandoned  // taken: nothing refers to it any more
                offer(listing)
                condition.unlock()
                return listing
            case .running:
                condition.wait()
            case .done(let listing):
                task.state = .abandoned
                ahead -= 1
                condition.broadcast()
                condition.unlock()
                return listing
            case .abandoned:
                condition.unlock()
                return FolderListing(openError: ENOENT)  // unreachable: a task is taken once
            }
        }
    }

    /// The walk will not enter this folder (a loop, or the walk stops): forget it and
    /// everything found below it.
    func abandon(_ task: FolderTask) {
        condition.lock()
        drop(task)
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the scouts and waits for them (their listings are dropped).
    func stop() {
        condition.lock()
        stopping = true
        stack.removeAll()
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    // MARK: - under the lock

    private func offer(_ listing: FolderListing) {
        var added = false
        for e in listing.entries.reversed() {
            if let t = e.folder { stack.append(t); added = true }
        }
        if added { condition.broadcast() }
    }

    private func drop(_ task: FolderTask) {
        switch task.state {
        case .pending: task.state = .abandoned
        case .running: task.abandonWhenDone = true
        case .done(let listing):
            task.state = .abandoned
            ahead -= 1
            for e in listing.entries { if let t = e.folder { drop(t) } }
        case .abandoned: break
        }
    }

    private func work() {
        condition.lock()
        while true {
            while !stopping && (stack.isEmpty || ahead >= maxAhead) { condition.wait() }
            if stopping { break }
            let task = stack.removeLast()
            guard case .pending = task.state else { continue }
            task.state = .running
            condition.unlock()
            let listing = walker.list(task)
            condition.lock()
            if task.abandonWhenDone {
                task.state = .abandoned
                for e in listing.entries { if let t = e.folder { drop(t) } }
            } else {
                task.state = .done(listing)
                ahead += 1
                offer(listing)
            }
            condition.broadcast()
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }
}
