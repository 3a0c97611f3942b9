import Foundation

/// A first-in, first-out queue between threads that holds at most `capacity` elements:
/// ``put(_:)`` waits while it is full, so a fast producer cannot fill memory ahead of a slow
/// consumer (back-pressure).
///
/// The producers ``close()`` it when they are done; a consumer that gives up
/// ``abandon()``s it, which drops what waits and makes every ``put(_:)`` return false, so no
/// producer stays blocked. ``Pipeline`` builds on it; use it directly for other shapes.
public final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    /// The most elements waiting at once.
    public let capacity: Int
    private let cond = NSCondition()
    private var items: [Element] = []
    /// Index of the oldest element in `items` (taking one does not shift the array).
    private var head = 0
    private var closed = false
    private var abandoned = false

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Elements waiting now.
    public var count: Int {
        cond.lock()
        defer { cond.unlock() }
        return items.count - head
    }

    /// Whether the consumer gave up (producers should stop).
    public var isAbandoned: Bool {
        cond.lock()
        defer { cond.unlock() }
        return abandoned
    }

    /// Adds `element`, waiting while the queue is full.
    /// - Returns: false when the queue was abandoned (the element is dropped; stop producing).
    @discardableResult
    public func put(_ element: Element) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        while items.count - head >= capacity && !abandoned { cond.wait() }
        if abandoned { return false }
        items.append(element)
        cond.broadcast()
        return true
    }

    /// No more elements will come; the consumer sees the end once it took what waits.
    public func close() {
        cond.lock()
        closed = true
        cond.broadcast()
        cond.unlock()
    }

    /// The consumer stops early: waiting elements are dropped and blocked producers released.
    public func abandon() {
        cond.lock()
        abandoned = true
        items = []
        head = 0
        cond.broadcast()
        cond.unlock()
    }

    /// The oldest element, waiting for one; nil once the queue is closed and empty, or abandoned.
    public func take() -> Element? {
        cond.lock()
        defer { cond.unlock() }
        while items.count == head && !closed && !abandoned { cond.wait() }
        guard items.count > head else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        cond.broadcast()
        return element
    }

    /// Everything waiting, oldest first, after waiting up to `seconds` for the first element
    /// (forever when nil); `finished` is true once the queue is closed (or abandoned) and
    /// nothing more will come.
    public func takeAll(waitingUpTo seconds: Double?) -> (elements: [Element], finished: Bool) {
        cond.lock()
        defer { cond.unlock() }
        if items.count == head && !closed && !abandoned {
            if let seconds {
                let deadline = Date(timeIntervalSinceNow: seconds)
                while items.count == head && !closed && !abandoned {
                    if !cond.wait(until: deadline) { break }
                }
            } else {
                while items.count == head && !closed && !abandoned { cond.wait() }
            }
        }
        let taken = head == 0 ? items : Array(items[head...])
        items.removeAll(keepingCapacity: true)
        head = 0
        if !taken.isEmpty { cond.broadcast() }
        return (taken, closed || abandoned)
    }
}
