<x-mail::message>
# Your order has shipped

Good news, {{ $order->customer->first_name }}: order {{ $order->number }} left our Toronto warehouse today
with {{ $order->carrier }}. Tracking number: {{ $order->tracking_number }}.

<x-mail::button :url="$url">
Track your order
</x-mail::button>

Thanks,<br>
{{ config('app.name') }}
</x-mail::message>
