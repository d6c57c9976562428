<!DOCTYPE html>
<html lang="{{ str_replace('_', '-', app()->getLocale()) }}">
<head>
    <meta charset="utf-8">
    <title>@yield('title', 'Maple & Pine')</title>
</head>
<body style="margin: 0; background: #f5f1ea;">
    <table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" style="background: #ffffff;">
        <tr>
            <td style="padding: 24px;">
                <img src="{{ asset('img/email/logo.png') }}" width="150" alt="Maple &amp; Pine">
            </td>
        </tr>
        <tr>
            <td style="padding: 0 24px 24px; font-family: 'Helvetica Neue', Arial, sans-serif;">
                @yield('content')
            </td>
        </tr>
        <tr>
            <td>@include('emails.partials.footer')</td>
        </tr>
    </table>
</body>
</html>
