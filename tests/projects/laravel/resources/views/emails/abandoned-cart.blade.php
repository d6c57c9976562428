@extends('layouts.mail')

@section('title', 'Still thinking it over?')

@section('content')
    <h1 style="font-size: 22px;">You left something behind</h1>
    <p>Your cart is saved. Check out in the next 48 hours and take 10% off with code COMEBACK10.</p>
    @include('emails.partials.cart-items', ['items' => $cart->items])
    <p><a href="{{ route('cart.show') }}">Return to your cart</a></p>
@endsection
