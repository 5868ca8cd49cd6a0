using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>
/// The shape of API keys: <c>fc_live_</c> or <c>fc_pub_</c> followed by 32 base-62 characters (~190 random
/// bits). Only the SHA-256 of a key is stored; with that much entropy a slow hash would add nothing.
/// </summary>
public static class ApiKeyFormat
{
    public const string ServerPrefix = "fc_live_";
    public const string PublishablePrefix = "fc_pub_";
    public const int RandomLength = 32;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly SearchValues<char> AlphabetValues = SearchValues.Create(Alphabet);

    public static string Generate(ApiKeyKind kind) =>
        PrefixOf(kind) + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    public static string PrefixOf(ApiKeyKind kind) => kind == ApiKeyKind.Server ? ServerPrefix : PublishablePrefix;

    /// <summary>True when <paramref name="key"/> has the shape of a generated key; tells its kind.</summary>
    public static bool TryParse(string? key, out ApiKeyKind kind)
    {
        kind = ApiKeyKind.Server;
        if (key is null)
        {
            return false;
        }

        ReadOnlySpan<char> rest;
        if (key.StartsWith(ServerPrefix, StringComparison.Ordinal))
        {
            rest = key.AsSpan(ServerPrefix.Length);
        }
        else if (key.StartsWith(PublishablePrefix, StringComparison.Ordinal))
        {
            kind = ApiKeyKind.Publishable;
            rest = key.AsSpan(PublishablePrefix.Length);
        }
        else
        {
            return false;
        }

        return rest.Length == RandomLength && !rest.ContainsAnyExcept(AlphabetValues);
    }

    /// <summary>The stored form of a key: the lower-case hex SHA-256 of its UTF-8 (run on every API request).</summary>
    public static string Hash(string key)
    {
        const int MaxStackBytes = 256;
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = length <= MaxStackBytes ? stackalloc byte[MaxStackBytes] : new byte[length];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>What the console shows of a key after it was created: its prefix and four characters.</summary>
    public static string DisplayPrefix(string key) =>
        key[..((key.StartsWith(ServerPrefix, StringComparison.Ordinal) ? ServerPrefix.Length : PublishablePrefix.Length) + 4)];
}
