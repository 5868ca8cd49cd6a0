using System.Threading.Channels;

namespace FeedbackConsole.Client;

/// <summary>
/// Fire-and-forget capture for a busy application: <see cref="Enqueue"/> never blocks the caller; signals are
/// sent in batches when <see cref="FeedbackConsoleClientOptions.MaxBatchSize"/> are waiting or
/// <c>flushInterval</c> has passed, and whatever is left is sent on <see cref="DisposeAsync"/>.
/// </summary>
public sealed class SignalBatcher : IAsyncDisposable
{
    private readonly FeedbackConsoleClient _client;
    private readonly int _maxBatch;
    private readonly TimeSpan _flushInterval;
    private readonly Action<IReadOnlyList<SignalInput>, Exception>? _onFailure;
    private readonly Channel<SignalInput> _queue;
    private readonly Task _loop;

    // onFailure is told about a batch that could not be sent after all retries, with the batch, so nothing is lost silently.
    public SignalBatcher(FeedbackConsoleClient client, TimeSpan flushInterval, int maxBatch = 500, int capacity = 100_000,
        Action<IReadOnlyList<SignalInput>, Exception>? onFailure = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatch, 500);
        _client = client;
        _maxBatch = maxBatch;
        _flushInterval = flushInterval;
        _onFailure = onFailure;
        _queue = Channel.CreateBounded<SignalInput>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a signal; false when the queue is full or the batcher is disposed.</summary>
    public bool Enqueue(SignalInput signal) => _queue.Writer.TryWrite(signal);

    private async Task RunAsync()
    {
        var batch = new List<SignalInput>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            using (var window = new CancellationTokenSource(_flushInterval))
            {
                try
                {
                    while (batch.Count < _maxBatch)
                    {
                        if (_queue.Reader.TryRead(out var item))
                        {
                            batch.Add(item);
                        }
                        else if (!await _queue.Reader.WaitToReadAsync(window.Token))
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (window.IsCancellationRequested)
                {
                    // The flush interval passed: send what we have.
                }
            }

            if (batch.Count > 0)
            {
                await SendAsync(batch);
                batch = new List<SignalInput>(_maxBatch);
            }
        }
    }

    private async Task SendAsync(List<SignalInput> batch)
    {
        try
        {
            await _client.SendSignalsAsync(batch);
        }
        catch (Exception ex) when (ex is HttpRequestException or FeedbackConsoleException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            _onFailure?.Invoke(batch, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
