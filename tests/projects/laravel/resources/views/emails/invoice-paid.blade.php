@extends('layouts.mail')

@section('title', 'Payment received')

@section('content')
    <h1 style="font-size: 22px;">Payment received</h1>
    <p>Hi {{ $customer->first_name }}, we've received your payment of {{ $invoice->formattedTotal() }} for invoice {{ $invoice->number }}.</p>
    <table role="presentation" width="100%">
        @foreach ($invoice->lines as $line)
            <tr><td>{{ $line->description }}</td><td align="right">{{ $line->formattedAmount() }}</td></tr>
        @endforeach
    </table>
    <p><a href="{{ $invoice->pdfUrl() }}">Download the PDF</a></p>
@endsection
