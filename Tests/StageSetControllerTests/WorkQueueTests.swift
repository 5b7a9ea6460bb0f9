import KubeModel
import StageSetController
import Testing

struct WorkQueueTests {
    let a = ObjectKey(namespace: "ns", name: "a")
    let b = ObjectKey(namespace: "ns", name: "b")

    @Test func deduplicatesQueuedKeys() async {
        let queue = WorkQueue()
        await queue.add(a)
        await queue.add(b)
        await queue.add(a)
        #expect(await queue.depth == 2)
        #expect(await queue.next() == a)
        #expect(await queue.next() == b)
    }

    @Test func keyAddedWhileProcessingIsQueuedAgainWhenDone() async {
        let queue = WorkQueue()
        await queue.add(a)
        let first = await queue.next()
        #expect(first == a)
        await queue.add(a)  // a new event while a worker holds the key
        await queue.add(b)
        // b is handed out; a is not handed to a second worker while the first holds it.
        #expect(await queue.next() == b)
        #expect(await queue.depth == 1)
        await queue.done(a)
        #expect(await queue.next() == a)
    }

    @Test func waitingWorkerGetsTheNextKey() async {
        let queue = WorkQueue()
        let worker = Task { await queue.next() }
        await queue.add(b)
        #expect(await worker.value == b)
    }

    @Test func delayedAddFiresAndAnImmediateAddSupersedesIt() async {
        let queue = WorkQueue()
        await queue.add(a, after: .milliseconds(20))
        #expect(await queue.depth == 0)
        #expect(await queue.next() == a)  // waits for the delayed add
        await queue.done(a)
        await queue.add(b, after: .seconds(3600))
        await queue.add(b)
        #expect(await queue.next() == b)
        await queue.done(b)
        #expect(await queue.depth == 0)
    }

    @Test func shutDownReleasesWaitingWorkers() async {
        let queue = WorkQueue()
        let worker = Task { await queue.next() }
        await queue.shutDown()
        #expect(await worker.value == nil)
        await queue.add(a)
        #expect(await queue.next() == nil)
    }
}

struct WorkQueueBackoffTests {
    @Test func backoffDoublesUpToTheLimitAndResets() async {
        let queue = WorkQueue()
        let key = ObjectKey(namespace: "ns", name: "flaky")
        var delays: [Duration] = []
        for _ in 0..<5 {
            delays.append(await queue.addWithBackoff(key, base: .seconds(5), limit: .seconds(30)))
        }
        #expect(delays == [.seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(30)])
        await queue.resetBackoff(key)
        #expect(await queue.addWithBackoff(key, base: .seconds(5), limit: .seconds(30)) == .seconds(5))
        await queue.shutDown()
    }
}
