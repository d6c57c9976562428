<?php

namespace App\Mail;

use App\Models\Order;
use Illuminate\Bus\Queueable;
use Illuminate\Mail\Mailable;
use Illuminate\Mail\Mailables\Content;
use Illuminate\Mail\Mailables\Envelope;

class OrderShipped extends Mailable
{
    use Queueable;

    public function __construct(public Order $order) {}

    public function envelope(): Envelope
    {
        return new Envelope(subject: "Your order {$this->order->number} has shipped");
    }

    public function content(): Content
    {
        return new Content(markdown: 'emails.orders.shipped', with: [
            'url' => route('orders.show', $this->order),
        ]);
    }
}
