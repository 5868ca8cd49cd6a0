using System.Text;
using Microsoft.Playwright;

namespace FeedbackConsole.E2E.Infrastructure;

/// <summary>
/// Tells when a page's Blazor Server circuit is live. Interactive pages are prerendered first: their buttons
/// are visible before any event handler exists, and a click in that window is silently lost. The circuit is
/// live once the server has finished adding the page's root components (it sends
/// <c>JS.EndUpdateRootComponents</c> after their first render has quiesced) and the browser has applied every
/// render batch sent before that (it answers each with <c>OnRenderCompleted</c>). Both show up as frames on
/// the <c>_blazor</c> WebSocket, so the wait is exact, with no sleeps or guessing at network idleness.
/// </summary>
internal sealed class BlazorCircuitWatcher
{
    private static readonly byte[] RenderBatch = Encoding.ASCII.GetBytes("JS.RenderBatch");
    private static readonly byte[] EndUpdateRootComponents = Encoding.ASCII.GetBytes("JS.EndUpdateRootComponents");
    private static readonly byte[] RenderCompleted = Encoding.ASCII.GetBytes("OnRenderCompleted");

    private readonly Lock _gate = new();
    private Circuit? _armed;

    public BlazorCircuitWatcher(IPage page) => page.WebSocket += OnWebSocket;

    /// <summary>Runs <paramref name="action"/> (a navigation) and waits until the circuit it opens is live.</summary>
    public async Task RunAndWaitAsync(Func<Task> action, TimeSpan timeout)
    {
        var circuit = new Circuit();
        lock (_gate)
        {
            _armed = circuit;
        }

        await action();
        try
        {
            await circuit.Live.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"No live Blazor circuit within {timeout.TotalSeconds:0} s ({circuit.Describe()}). Is the page interactive, and did the app start?");
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_armed, circuit))
                {
                    _armed = null;
                }
            }
        }
    }

    private void OnWebSocket(object? sender, IWebSocket socket)
    {
        if (!socket.Url.Contains("/_blazor", StringComparison.Ordinal))
        {
            return;
        }

        Circuit? circuit;
        lock (_gate)
        {
            circuit = _armed;
            _armed = null;
        }

        if (circuit is null)
        {
            return; // Nobody waits for this one (e.g. a reconnection).
        }

        // Subscribed synchronously inside the WebSocket event, so no frame can slip past.
        socket.FrameReceived += (_, frame) => circuit.Received(Payload(frame));
        socket.FrameSent += (_, frame) => circuit.Sent(Payload(frame));
        socket.Close += (_, _) => circuit.Closed();
    }

    private static byte[] Payload(IWebSocketFrame frame) => frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? "");

    private static int Count(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var count = 0;
        int at;
        while ((at = haystack.IndexOf(needle)) >= 0)
        {
            count++;
            haystack = haystack[(at + needle.Length)..];
        }

        return count;
    }

    private sealed class Circuit
    {
        private readonly Lock _gate = new();
        private readonly TaskCompletionSource _live = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _batchesBeforeEnd;
        private int _batchesApplied;
        private bool _rootComponentsAdded;

        public Task Live => _live.Task;

        public void Received(byte[] payload)
        {
            lock (_gate)
            {
                if (_rootComponentsAdded)
                {
                    return;
                }

                _batchesBeforeEnd += Count(payload, RenderBatch);
                _rootComponentsAdded = Count(payload, EndUpdateRootComponents) > 0;
                Check();
            }
        }

        public void Sent(byte[] payload)
        {
            lock (_gate)
            {
                _batchesApplied += Count(payload, RenderCompleted);
                Check();
            }
        }

        public void Closed() =>
            _live.TrySetException(new InvalidOperationException($"The Blazor WebSocket closed before the circuit was live ({Describe()})."));

        public string Describe()
        {
            lock (_gate)
            {
                return $"root components added: {_rootComponentsAdded}, render batches applied {_batchesApplied} of {_batchesBeforeEnd}";
            }
        }

        private void Check()
        {
            if (_rootComponentsAdded && _batchesApplied >= _batchesBeforeEnd)
            {
                _live.TrySetResult();
            }
        }
    }
}
