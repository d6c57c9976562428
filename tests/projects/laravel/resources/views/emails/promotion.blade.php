@extends('layouts.mail')

@section('title', 'Winter warmers: 30% off wool throws')

@section('content')
    <h1 style="font-size: 26px;">Winter warmers are here</h1>
    <p>Our merino throws and alpaca blankets are 30% off until Sunday. Free shipping over $75.</p>
    <p>
        <a href="{{ route('collections.show', 'winter') }}?utm_campaign=winter-warmers"
           style="background: #3f5f4a; color: #fff; padding: 12px 20px; text-decoration: none;">Shop the collection</a>
    </p>
@endsection
