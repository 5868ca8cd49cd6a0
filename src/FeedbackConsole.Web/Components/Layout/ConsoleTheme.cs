using MudBlazor;

namespace FeedbackConsole.Web.Components.Layout;

/// <summary>The console's look: one brand palette for light and dark, system fonts (no web fonts to fetch).</summary>
internal static class ConsoleTheme
{
    private static readonly string[] FontStack =
        ["Inter", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4338CA",
            Secondary = "#0E7490",
            Tertiary = "#B45309",
            Info = "#0369A1",
            Success = "#15803D",
            Warning = "#B45309",
            Error = "#B91C1C",
            AppbarBackground = "#FFFFFF",
            AppbarText = "#1F2937",
            Background = "#F6F7FB",
            Surface = "#FFFFFF",
            DrawerBackground = "#FFFFFF",
            DrawerText = "#374151",
            DrawerIcon = "#6B7280",
            TextPrimary = "#111827",
            TextSecondary = "#4B5563",
            LinesDefault = "#E5E7EB",
            TableLines = "#E5E7EB",
            Divider = "#E5E7EB",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#A5B4FC",
            // The dark theme's light primary needs dark text on it (filled buttons, the avatar), not white.
            PrimaryContrastText = "#1E1B4B",
            Secondary = "#67E8F9",
            Tertiary = "#FCD34D",
            Info = "#7DD3FC",
            Success = "#86EFAC",
            Warning = "#FCD34D",
            Error = "#FCA5A5",
            AppbarBackground = "#161821",
            AppbarText = "#E5E7EB",
            Background = "#0F1117",
            Surface = "#161821",
            DrawerBackground = "#161821",
            DrawerText = "#D1D5DB",
            DrawerIcon = "#9CA3AF",
            TextPrimary = "#F3F4F6",
            TextSecondary = "#9CA3AF",
            LinesDefault = "#2A2D3A",
            TableLines = "#2A2D3A",
            Divider = "#2A2D3A",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
            H4 = new H4Typography { FontFamily = FontStack, FontWeight = "650", FontSize = "1.75rem", LetterSpacing = "-0.01em" },
            H5 = new H5Typography { FontFamily = FontStack, FontWeight = "600", FontSize = "1.25rem" },
            H6 = new H6Typography { FontFamily = FontStack, FontWeight = "600", FontSize = "1.05rem" },
            Button = new ButtonTypography { FontFamily = FontStack, FontWeight = "600", TextTransform = "none" },
        },
        LayoutProperties = new LayoutProperties
        {
            DefaultBorderRadius = "8px",
            DrawerWidthLeft = "248px",
            AppbarHeight = "60px",
        },
    };
}
