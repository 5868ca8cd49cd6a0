using System.Reflection;
using Microsoft.Playwright;

namespace FeedbackConsole.E2E.Infrastructure;

/// <summary>Full-page screenshots under artifacts/screenshots at the repository root (git-ignored), to look at.</summary>
public static class Screenshots
{
    private static readonly Lazy<string> DirectoryPath = new(() =>
    {
        var path = Path.Combine(FindRepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    });

    public static string Folder => DirectoryPath.Value;

    /// <summary>Saves <paramref name="name"/>.png; pass <c>fullPage: false</c> for just the viewport (e.g. an overlay fixed to it).</summary>
    public static async Task<string> SaveAsync(IPage page, string name, bool fullPage = true)
    {
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
        return path;
    }

    /// <summary>
    /// The folder holding FeedbackConsole.sln, found by walking up from the test binaries; when they were built
    /// elsewhere (<c>--artifacts-path</c>), from the project folder recorded at build time.
    /// </summary>
    private static string FindRepositoryRoot()
    {
        var recorded = typeof(Screenshots).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, recorded })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FeedbackConsole.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"FeedbackConsole.sln not found above {AppContext.BaseDirectory} or {recorded}.");
    }
}
