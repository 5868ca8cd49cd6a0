using System.Threading.Channels;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>Gate runs waiting for the <see cref="GateRunWorker"/> of this process, by id.</summary>
public sealed class GateRunInbox
{
    private readonly Channel<Guid> _runs = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid gateRunId) => _runs.Writer.TryWrite(gateRunId);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken cancellationToken) => _runs.Reader.ReadAllAsync(cancellationToken);
}
